/**
 * URL discovery and analysis: finds URLs in plain text and HTML, resolves each
 * host to its registrable domain with tldts (public-suffix aware), and flags
 * IP-literal hosts (dotted, decimal, hex and IPv6 forms all normalise through
 * the WHATWG URL parser) and userinfo tricks (http://bank.com@evil.example/).
 *
 * Invariants: never throws; at most `maxUrls` URLs per message are analysed;
 * the per-analyser host cache is bounded.
 * Limits: bare domains without "www." or a scheme are not treated as URLs in
 * plain text; non-http(s) schemes are ignored except in counts.
 */
import { parse as parseDomain } from 'tldts';

export type UrlSource = 'text' | 'href' | 'html' | 'form';

export interface UrlInfo {
  readonly url: string;
  /** Lower-cased ASCII (punycode) host, IPv6 without brackets. */
  readonly host: string;
  /** Registrable domain (eTLD+1), or the host itself for IPs / unknown suffixes. */
  readonly domain: string;
  readonly ip: boolean;
  readonly userinfo: boolean;
  readonly source: UrlSource;
}

interface HostFacts {
  readonly domain: string;
  readonly ip: boolean;
}

export interface UrlAnalyzer {
  analyse(raw: string, source: UrlSource): UrlInfo | null;
  hostFacts(host: string): HostFacts;
  /** Bounded per-analyser memo for host-keyed rule results (lookalike checks, ...). */
  memo<T>(key: string, compute: () => T): T;
}

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

export function createUrlAnalyzer(cacheSize = 16384): UrlAnalyzer {
  const cache = new Map<string, HostFacts>();
  function hostFacts(host: string): HostFacts {
    const hit = cache.get(host);
    if (hit !== undefined) return hit;
    let facts: HostFacts;
    if (host.includes(':') || IPV4.test(host)) facts = { domain: host, ip: true };
    else {
      const p = parseDomain(host, { allowPrivateDomains: false });
      facts = { domain: p.domain ?? host, ip: p.isIp === true };
    }
    if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
    cache.set(host, facts);
    return facts;
  }
  function analyse(raw: string, source: UrlSource): UrlInfo | null {
    let s = raw.trim().replace(/[\s\u0000-\u001f]+/g, '');
    if (s.length === 0) return null;
    if (s.length > 2048) s = s.slice(0, 2048);
    if (/^www\./i.test(s)) s = 'http://' + s;
    else if (s.startsWith('//')) s = 'http:' + s;
    if (!/^https?:\/\//i.test(s)) return null;
    let u: URL;
    try {
      u = new URL(s);
    } catch {
      return null;
    }
    let host = u.hostname.toLowerCase();
    if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
    if (host.endsWith('.')) host = host.slice(0, -1);
    if (host === '') return null;
    const f = hostFacts(host);
    return { url: s.length > 512 ? s.slice(0, 512) : s, host, domain: f.domain, ip: f.ip, userinfo: u.username !== '' || u.password !== '', source };
  }
  const memoCache = new Map<string, unknown>();
  function memo<T>(key: string, compute: () => T): T {
    if (memoCache.has(key)) return memoCache.get(key) as T;
    const v = compute();
    if (memoCache.size >= cacheSize) memoCache.delete(memoCache.keys().next().value as string);
    memoCache.set(key, v);
    return v;
  }
  return { analyse, hostFacts, memo };
}

const TEXT_URL = /(?:\bhttps?:\/\/|\bwww\.)[^\s<>"'`{}|\\^[\]]+/gi;

/** Find URL-looking strings in plain text. */
export function findTextUrls(text: string, max: number): string[] {
  const found: string[] = [];
  if (!text.includes('http') && !text.includes('www.') && !text.includes('HTTP') && !text.includes('WWW.')) return found;
  TEXT_URL.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = TEXT_URL.exec(text)) !== null && found.length < max) {
    found.push(m[0].replace(/[.,;:!?)\]'">]+$/, ''));
  }
  return found;
}

const DOMAINISH = /(?:https?:\/\/)?((?:[a-z0-9\u00a1-\uffff](?:[a-z0-9\u00a1-\uffff-]{0,61}[a-z0-9\u00a1-\uffff])?\.)+[a-z\u00a1-\uffff]{2,24})(?=[/:?#\s]|$)/i;

/** If link text displays a domain or URL, return that host (lower-cased). */
export function displayedHost(text: string): string | null {
  const t = text.trim();
  if (t.length < 4 || t.length > 300) return null;
  const m = DOMAINISH.exec(t);
  if (!m) return null;
  // The text must be mostly the URL itself, not a sentence that mentions one.
  if (m[0].length < t.length * 0.5 && !/^(?:https?:\/\/|www\.)/i.test(t)) return null;
  try {
    return new URL('http://' + m[1]!).hostname.toLowerCase();
  } catch {
    return null;
  }
}

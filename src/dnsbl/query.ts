/**
 * One RFC 5782 DNSBL query and what its answer means.
 *
 * Name: the IP's octets reversed, then the zone (192.0.2.99 on zen.spamhaus.org
 * → 99.2.0.192.zen.spamhaus.org); IPv6 in nibble form (RFC 5782 §2.4: 32 hex
 * digits, least significant first). The A record says whether the IP is
 * listed; the TXT record, asked only for listed IPs, gives the list's reason.
 *
 * Interpretation (never guess a listing):
 * - NXDOMAIN (or NODATA): not listed.
 * - 127.255.255.x in the answer: the list refused the query (public resolver,
 *   rate limit, typo, bad key). A broken monitor, never a listing.
 * - any other 127.0.0.0/8 address except 127.0.0.1 (usually 127.0.0.x):
 *   listed, with the zone's meaning of that code.
 * - 127.0.0.1 or an address outside 127.0.0.0/8 (e.g. a resolver that rewrites
 *   NXDOMAIN to an advertising server): unexpected answer, a broken monitor.
 * - DNS error (timeout, SERVFAIL): unknown this cycle, a broken monitor.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { Resolver } from '../dns/types.js';
import { REFUSAL_CODES } from './known-zones.js';

export type DnsblAnswer =
  | { readonly kind: 'clear' }
  | { readonly kind: 'listed'; readonly codes: ReadonlyArray<{ readonly code: string; readonly meaning: string }>; readonly txt?: string }
  | { readonly kind: 'refused'; readonly code: string; readonly meaning: string }
  | { readonly kind: 'unexpected'; readonly detail: string }
  | { readonly kind: 'error'; readonly detail: string };

/** The RFC 5782 query name for `ip` on `zone`. Throws for something that is not an IP. */
export function queryName(ip: string, zone: string): string {
  const z = zone.toLowerCase().replace(/\.$/, '');
  if (isIPv4(ip)) return `${ip.split('.').reverse().join('.')}.${z}`;
  if (isIPv6(ip)) return `${expandIpv6(ip).split('').reverse().join('.')}.${z}`;
  throw new RangeError(`not an IP address: ${ip}`);
}

/** The 32 hex digits of an IPv6 address (lower case, no colons). */
export function expandIpv6(ip: string): string {
  let s = ip.toLowerCase();
  // An embedded IPv4 tail (::ffff:192.0.2.1) becomes two hex groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const o = v4[1]!.split('.').map(Number);
    s = s.slice(0, -v4[1]!.length) + `${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? s.split('::') as [string, string] : [s, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.map((g) => g.padStart(4, '0')).join('');
}

/** Meaning of one answer address, given the zone's code table. */
export function interpretAddresses(addresses: readonly string[], codes: Readonly<Record<string, string>>): DnsblAnswer {
  if (addresses.length === 0) return { kind: 'clear' };
  const refusal = addresses.find((a) => a.startsWith('127.255.255.'));
  if (refusal) return { kind: 'refused', code: refusal, meaning: REFUSAL_CODES[refusal] ?? `query refused by the list (code ${refusal})` };
  const odd = addresses.find((a) => !a.startsWith('127.') || a === '127.0.0.1' || !isIPv4(a));
  if (odd) return { kind: 'unexpected', detail: `unexpected answer ${odd} (not a listing code; is the resolver rewriting answers?)` };
  return { kind: 'listed', codes: [...new Set(addresses)].sort().map((code) => ({ code, meaning: codes[code] ?? `listed (code ${code})` })) };
}

/** Asks `zone` about `ip`: the A record, then the TXT record when listed. */
export async function queryDnsbl(resolver: Resolver, ip: string, zone: string, codes: Readonly<Record<string, string>>): Promise<DnsblAnswer> {
  const name = queryName(ip, zone);
  const a = await resolver.a(name);
  if (a.kind === 'nxdomain' || a.kind === 'nodata') return { kind: 'clear' };
  if (a.kind === 'error') return { kind: 'error', detail: a.detail };
  const answer = interpretAddresses(a.records, codes);
  if (answer.kind !== 'listed') return answer;
  const txt = await resolver.txt(name);
  return txt.kind === 'ok' && txt.records.length > 0 ? { ...answer, txt: txt.records.join(' | ').slice(0, 500) } : answer;
}

export type SelfTest = { readonly ok: true } | { readonly ok: false; readonly problem: string };

/**
 * RFC 5782 §5 self-test: 127.0.0.2 must be listed and 127.0.0.1 must not.
 * A zone that fails it is broken this cycle: its other answers are ignored.
 */
export async function selfTest(resolver: Resolver, zone: string, codes: Readonly<Record<string, string>>): Promise<SelfTest> {
  const positive = await queryDnsbl(resolver, '127.0.0.2', zone, codes);
  if (positive.kind === 'refused') return { ok: false, problem: `${positive.meaning} (${positive.code})` };
  if (positive.kind === 'error') return { ok: false, problem: `lookup failed: ${positive.detail}` };
  if (positive.kind === 'unexpected') return { ok: false, problem: `test entry 127.0.0.2: ${positive.detail}` };
  if (positive.kind === 'clear') return { ok: false, problem: 'test entry 127.0.0.2 is not listed: the zone is dead, misspelt or not answering this resolver' };
  const negative = await queryDnsbl(resolver, '127.0.0.1', zone, codes);
  if (negative.kind === 'refused') return { ok: false, problem: `${negative.meaning} (${negative.code})` };
  if (negative.kind === 'error') return { ok: false, problem: `lookup failed: ${negative.detail}` };
  if (negative.kind !== 'clear') return { ok: false, problem: 'test entry 127.0.0.1 is listed: the zone answers every query (listing everything)' };
  return { ok: true };
}

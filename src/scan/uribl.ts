/**
 * URI blocklist lookups (SURBL / URIBL / Spamhaus DBL style): a registrable
 * domain is listed in a zone when `domain.zone` has an A record in 127.0.0.0/8.
 * 127.255.255.x answers mean "query refused / blocked resolver" and are
 * reported as errors, not listings.
 *
 * Invariants: off unless zones are configured; at most `maxLookups` domains per
 * message; all lookups of one message share a strict time budget (`timeoutMs`),
 * after which its outstanding queries are cancelled and it goes on without them;
 * answers are cached (positive: the record TTL, capped at an hour; NXDOMAIN:
 * five minutes; errors are not cached) in a bounded per-scanner cache.
 * Limits: IP-literal URLs are not looked up (DBL-style zones list names).
 */
import { Resolver } from 'node:dns/promises';
import type { UriBlocklistOptions } from './options.js';

export interface UriListing {
  readonly domain: string;
  readonly zone: string;
  readonly code: string;
}

export interface UriCheck {
  readonly listed: UriListing[];
  /** Lookups that failed or ran out of time (the message goes on without them). */
  readonly errors: string[];
}

export interface UriBlocklist {
  check(domains: readonly string[]): Promise<UriCheck>;
}

interface CacheEntry {
  readonly codes: string[];
  readonly expires: number;
}

const CACHE_MAX = 10000;
const NEG_TTL = 300000;

export function createUriBlocklist(opts: UriBlocklistOptions, now: () => number = Date.now): UriBlocklist {
  const cache = new Map<string, CacheEntry>();
  const maxLookups = opts.maxLookups ?? 8;
  const put = (key: string, e: CacheEntry): void => {
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
    cache.set(key, e);
  };
  async function check(domains: readonly string[]): Promise<UriCheck> {
    const listed: UriListing[] = [];
    const errors: string[] = [];
    if (opts.zones.length === 0) return { listed, errors };
    const toLookUp: { domain: string; zone: string; key: string }[] = [];
    const t = now();
    for (const domain of [...new Set(domains)].slice(0, maxLookups)) {
      if (!/^[a-z0-9.-]+$/i.test(domain) || !domain.includes('.')) continue;
      for (const zone of opts.zones) {
        const key = domain + '.' + zone;
        const hit = cache.get(key);
        if (hit !== undefined && hit.expires > t) {
          for (const code of hit.codes) listed.push({ domain, zone, code });
        } else toLookUp.push({ domain, zone, key });
      }
    }
    if (toLookUp.length === 0) return { listed, errors };
    const resolver = new Resolver({ timeout: opts.timeoutMs, tries: 1 });
    if (opts.servers !== undefined && opts.servers.length > 0) resolver.setServers([...opts.servers]);
    let timer: NodeJS.Timeout | undefined;
    const done = new Set<string>();
    const budget = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), opts.timeoutMs);
    });
    const lookups = toLookUp.map(async ({ domain, zone, key }) => {
      try {
        const answers = await resolver.resolve4(key, { ttl: true });
        const codes = answers.map((a) => a.address).filter((a) => a.startsWith('127.'));
        const refused = codes.filter((c) => c.startsWith('127.255.255.'));
        const real = codes.filter((c) => !c.startsWith('127.255.255.'));
        if (refused.length > 0) errors.push(`${zone} refused the query (${refused[0]})`);
        if (refused.length === 0) {
          const ttl = Math.min(3600, Math.max(30, Math.min(...answers.map((a) => a.ttl))));
          put(key, { codes: real, expires: now() + ttl * 1000 });
        }
        for (const code of real) listed.push({ domain, zone, code });
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === 'ENOTFOUND' || code === 'ENODATA') put(key, { codes: [], expires: now() + NEG_TTL });
        else if (code !== 'ECANCELLED') errors.push(`${key}: ${code ?? String(err)}`);
      } finally {
        done.add(key);
      }
    });
    const outcome = await Promise.race([Promise.all(lookups).then(() => 'done' as const), budget]);
    if (timer !== undefined) clearTimeout(timer);
    if (outcome === 'timeout') {
      resolver.cancel();
      const pending = toLookUp.filter((x) => !done.has(x.key)).length;
      errors.push(`${pending} lookup(s) exceeded the ${opts.timeoutMs} ms budget`);
    }
    return { listed, errors };
  }
  return { check };
}

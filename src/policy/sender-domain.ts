/**
 * Does the sender's domain accept mail (so that bounces and replies can
 * reach it)? MX first; with no MX (NXDOMAIN, NODATA or an RFC 7505 null MX)
 * an A or AAAA record counts as the implicit MX (RFC 5321 §5.1), except for
 * a null MX, which says "no mail" outright. Answers are cached per domain
 * (CACHE_MS for "has mail", NEG_CACHE_MS for "no mail"); a DNS error is
 * `unknown`, never cached, and routing treats it as "no evidence".
 */
import type { Clock } from '../core/clock.js';
import type { Resolver } from '../dns/types.js';

export type SenderDomainStatus = 'has-mail' | 'no-mail' | 'null-mx' | 'unknown';
export type SenderDomainCheck = (domain: string) => Promise<SenderDomainStatus>;

const CACHE_MS = 10 * 60_000;
const NEG_CACHE_MS = 5 * 60_000;
const MAX_ENTRIES = 50_000;

export function createSenderDomainCheck(resolver: Resolver, clock: Clock): SenderDomainCheck {
  const cache = new Map<string, { s: SenderDomainStatus; until: number }>();
  const inflight = new Map<string, Promise<SenderDomainStatus>>();

  async function look(d: string): Promise<SenderDomainStatus> {
    const mx = await resolver.mx(d);
    if (mx.kind === 'error') return 'unknown';
    if (mx.kind === 'ok') {
      if (mx.records.some((r) => r.exchange !== '.' && r.exchange !== '')) return 'has-mail';
      return 'null-mx';
    }
    const [a, aaaa] = await Promise.all([resolver.a(d), resolver.aaaa(d)]);
    if (a.kind === 'ok' || aaaa.kind === 'ok') return 'has-mail';
    if (a.kind === 'error' || aaaa.kind === 'error') return 'unknown';
    return 'no-mail';
  }

  return async (domain) => {
    const d = domain.toLowerCase();
    const now = clock.now();
    const c = cache.get(d);
    if (c && c.until > now) return c.s;
    let p = inflight.get(d);
    if (!p) {
      p = look(d).finally(() => inflight.delete(d));
      inflight.set(d, p);
    }
    const s = await p;
    if (s !== 'unknown') {
      if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
      cache.set(d, { s, until: clock.now() + (s === 'has-mail' ? CACHE_MS : NEG_CACHE_MS) });
    }
    return s;
  };
}

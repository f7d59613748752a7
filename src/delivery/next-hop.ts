/**
 * Where to deliver mail for a recipient domain: the ordered list of hosts to
 * try, or a typed reason why there are none (RFC 5321 §5.1, RFC 7505).
 *
 * Order of decisions:
 * 1. A static route (routes.ts) wins over DNS. Its host is an IP address, or a
 *    name resolved with A/AAAA only. A route host without an address is an
 *    operator's mistake: transient (451 4.3.5), so mail waits for the fix.
 * 2. MX lookup. NXDOMAIN → permanent 550 5.1.2. Lookup failure (SERVFAIL,
 *    timeout) → transient 451 4.4.3. A lone null MX ('.') → permanent
 *    556 5.1.10 (RFC 7505 §4.2). A '.' beside real MX hosts is ignored.
 * 3. MX hosts sorted by preference, equal preferences shuffled (injectable
 *    `random`), at most `maxMxHosts`. Each host's A/AAAA are looked up; a host
 *    without addresses is skipped. None left: transient 451 4.4.3 if any lookup
 *    failed, else permanent 550 5.4.4.
 * 4. No MX records (NODATA) → implicit MX: the domain's own A/AAAA with
 *    preference 0. No address either → permanent 550 5.1.2.
 *
 * Invariants: never throws for DNS outcomes; every `hosts` result has at least
 * one host, and every host at least one address. `host` is the name to use for
 * TLS SNI and certificate checks (the MX name, not the recipient domain); for
 * an IP route it is the IP.
 *
 * 5. `refuseAddress` (production: non-public addresses and our own pool IPs)
 *    drops MX and implicit-MX addresses the gateway must never connect to, so
 *    a recipient domain cannot point us into our own network. A domain left
 *    with only refused addresses → permanent 550 5.4.4. Static routes are the
 *    operator's choice and exempt.
 *
 * Known limits: no IDN conversion
 * (callers pass A-labels); no MTA-STS or DANE here.
 */
import net from 'node:net';
import type { SmtpReply } from '../core/smtp-reply.js';
import type { DnsResult, Resolver } from '../dns/types.js';
import { compileRoutes, type StaticRoute } from './routes.js';

export interface NextHopHost {
  /** Name for SNI / certificate verification (or the IP for an IP route). */
  readonly host: string;
  readonly addresses: readonly string[];
  readonly port: number;
  readonly preference: number;
}

export type NextHop =
  | { readonly kind: 'hosts'; readonly hosts: readonly NextHopHost[]; readonly source: 'route' | 'mx' | 'implicit' }
  | { readonly kind: 'permanent'; readonly reply: SmtpReply }
  | { readonly kind: 'transient'; readonly reply: SmtpReply };

export interface NextHopOptions {
  resolver: Pick<Resolver, 'mx' | 'a' | 'aaaa'>;
  routes?: readonly StaticRoute[];
  /** Port for MX and implicit hosts (default 25). */
  defaultPort?: number;
  /** Address families to look up, in the order addresses are listed (default [4, 6]). */
  families?: ReadonlyArray<4 | 6>;
  /** MX hosts considered at most (default 10), after sorting. */
  maxMxHosts?: number;
  /** Uniform [0, 1) source for shuffling equal preferences (default Math.random). */
  random?: () => number;
  /** Addresses never to connect to for MX / implicit hosts (static routes exempt). */
  refuseAddress?: (ip: string) => boolean;
}

export interface NextHopResolver {
  resolve(domain: string): Promise<NextHop>;
}

type AddressLookup = { kind: 'found'; addresses: string[] } | { kind: 'none'; refused?: string[] } | { kind: 'failed'; detail: string };

const reply = (code: number, enhanced: string, text: string): SmtpReply => ({ code, enhanced, text });

export function createNextHopResolver(opts: NextHopOptions): NextHopResolver {
  const { resolver } = opts;
  const routes = compileRoutes(opts.routes ?? []);
  const defaultPort = opts.defaultPort ?? 25;
  const families = opts.families ?? [4, 6];
  const maxMxHosts = opts.maxMxHosts ?? 10;
  const random = opts.random ?? Math.random;
  const refuse = opts.refuseAddress;

  /** addressesOf without the refused addresses (MX and implicit hosts). */
  async function allowedAddressesOf(host: string): Promise<AddressLookup> {
    const found = await addressesOf(host);
    if (!refuse || found.kind !== 'found') return found;
    const allowed = found.addresses.filter((a) => !refuse(a));
    return allowed.length > 0 ? { kind: 'found', addresses: allowed } : { kind: 'none', refused: found.addresses };
  }
  const refusedReply = (domain: string, refused: readonly string[]): NextHop => ({
    kind: 'permanent',
    reply: reply(550, '5.4.4', `Mail servers of ${domain} resolve only to addresses this gateway does not connect to (${refused.slice(0, 3).join(', ')}: private, loopback or our own)`),
  });

  async function addressesOf(host: string): Promise<AddressLookup> {
    if (net.isIP(host)) return { kind: 'found', addresses: [host] };
    const results: Array<DnsResult<string>> = await Promise.all(
      families.map((f) => (f === 4 ? resolver.a(host) : resolver.aaaa(host))),
    );
    const addresses: string[] = [];
    const failures: string[] = [];
    for (const r of results) {
      if (r.kind === 'ok') addresses.push(...r.records);
      else if (r.kind === 'error') failures.push(r.detail);
    }
    if (addresses.length > 0) return { kind: 'found', addresses };
    if (failures.length > 0) return { kind: 'failed', detail: failures.join('; ') };
    return { kind: 'none' };
  }

  async function viaRoute(route: StaticRoute): Promise<NextHop> {
    const found = await addressesOf(route.host);
    if (found.kind === 'found') {
      return { kind: 'hosts', source: 'route', hosts: [{ host: route.host, addresses: found.addresses, port: route.port, preference: 0 }] };
    }
    if (found.kind === 'failed') {
      return { kind: 'transient', reply: reply(451, '4.4.3', `DNS lookup for static route host ${route.host} failed: ${found.detail}`) };
    }
    return { kind: 'transient', reply: reply(451, '4.3.5', `Static route host ${route.host} has no address record (check the routes configuration)`) };
  }

  function orderMx(records: ReadonlyArray<{ exchange: string; priority: number }>): Array<{ exchange: string; priority: number }> {
    const best = new Map<string, number>();
    for (const r of records) {
      if (r.exchange === '.' || r.exchange === '') continue;
      const prev = best.get(r.exchange);
      if (prev === undefined || r.priority < prev) best.set(r.exchange, r.priority);
    }
    const list = [...best].map(([exchange, priority]) => ({ exchange, priority }));
    // Shuffle, then a stable sort by preference: equal preferences end up in random order.
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
    return list.sort((a, b) => a.priority - b.priority).slice(0, maxMxHosts);
  }

  async function viaDns(domain: string): Promise<NextHop> {
    const mx = await resolver.mx(domain);
    if (mx.kind === 'error') {
      return { kind: 'transient', reply: reply(451, '4.4.3', `DNS lookup for MX of ${domain} failed: ${mx.detail}`) };
    }
    if (mx.kind === 'nxdomain') {
      return { kind: 'permanent', reply: reply(550, '5.1.2', `Domain ${domain} does not exist (NXDOMAIN)`) };
    }
    if (mx.kind === 'nodata') {
      const found = await allowedAddressesOf(domain);
      if (found.kind === 'found') {
        return { kind: 'hosts', source: 'implicit', hosts: [{ host: domain, addresses: found.addresses, port: defaultPort, preference: 0 }] };
      }
      if (found.kind === 'failed') {
        return { kind: 'transient', reply: reply(451, '4.4.3', `DNS lookup for address of ${domain} failed: ${found.detail}`) };
      }
      if (found.refused) return refusedReply(domain, found.refused);
      return { kind: 'permanent', reply: reply(550, '5.1.2', `Domain ${domain} has no MX and no address record`) };
    }
    const ordered = orderMx(mx.records);
    if (ordered.length === 0) {
      return { kind: 'permanent', reply: reply(556, '5.1.10', `Domain ${domain} does not accept mail (null MX, RFC 7505)`) };
    }
    const lookups = await Promise.all(ordered.map((r) => allowedAddressesOf(r.exchange)));
    const hosts: NextHopHost[] = [];
    const failures: string[] = [];
    const refused: string[] = [];
    lookups.forEach((found, i) => {
      const r = ordered[i]!;
      if (found.kind === 'found') hosts.push({ host: r.exchange, addresses: found.addresses, port: defaultPort, preference: r.priority });
      else if (found.kind === 'failed') failures.push(`${r.exchange}: ${found.detail}`);
      else if (found.refused) refused.push(...found.refused);
    });
    if (hosts.length > 0) return { kind: 'hosts', source: 'mx', hosts };
    if (failures.length > 0) {
      return { kind: 'transient', reply: reply(451, '4.4.3', `DNS lookup for MX hosts of ${domain} failed: ${failures.join('; ')}`) };
    }
    if (refused.length > 0) return refusedReply(domain, refused);
    return { kind: 'permanent', reply: reply(550, '5.4.4', `No MX host of ${domain} has an address record`) };
  }

  return {
    async resolve(rawDomain) {
      const domain = rawDomain.trim().toLowerCase().replace(/\.$/, '');
      if (domain === '') return { kind: 'permanent', reply: reply(550, '5.1.2', 'Empty recipient domain') };
      const route = routes.find(domain);
      return route ? viaRoute(route) : viaDns(domain);
    },
  };
}

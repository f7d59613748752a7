/**
 * The shared DNS block list of the world: a DNSBL zone (RFC 5782) served by
 * the world's DNS server on loopback. Receivers report IPs to it; an entry is
 * `<reversed IPv4>.<zone>` with A 127.0.0.2 and a TXT reason, TTL 1 s, and
 * expires `listFor` after the last report (a new report extends it). The
 * listing history (who listed which IP from when to when) is kept for the
 * report. The RFC 5782 test point (127.0.0.2) is always listed. Lookups go over real DNS (node's resolver pointed at the server),
 * with a short cache per IP as a receiver's local resolver would keep.
 *
 * Limits: IPv4 only; one return code (127.0.0.2).
 */
import { Resolver } from 'node:dns/promises';
import type { DnsTestServer } from '../../test/support/dns-server.js';

export interface Listing {
  readonly ip: string;
  readonly by: string;
  /** ms since the run's start. */
  readonly from: number;
  /** ms since the run's start; undefined while still listed. */
  to?: number;
  readonly reason: string;
}

export function reverseName(ip: string, zone: string): string {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) throw new Error(`not an IPv4 address: ${ip}`);
  return `${parts.reverse().join('.')}.${zone}`;
}

export class Blocklist {
  readonly history: Listing[] = [];
  private readonly open = new Map<string, { listing: Listing; timer: NodeJS.Timeout }>();

  constructor(
    private readonly dns: DnsTestServer,
    readonly zone: string,
    private readonly listFor: number,
    /** ms since the run's start. */
    private readonly now: () => number,
  ) {
    // RFC 5782 §5: every DNSBL lists the test point 127.0.0.2 (monitors check it, as the gateway's does).
    dns.set(reverseName('127.0.0.2', zone), { A: ['127.0.0.2'], TXT: ['RFC 5782 test point'] });
  }

  /** Lists (or keeps listed for another `listFor`) an IP; returns true when it was not listed before. */
  report(ip: string, by: string, reason: string): boolean {
    const cur = this.open.get(ip);
    if (cur) {
      clearTimeout(cur.timer);
      cur.timer = this.expiry(ip);
      return false;
    }
    const listing: Listing = { ip, by, from: this.now(), reason };
    this.history.push(listing);
    this.dns.set(reverseName(ip, this.zone), { A: ['127.0.0.2'], TXT: [`${reason} (reported by ${by})`], ttl: 1 });
    this.open.set(ip, { listing, timer: this.expiry(ip) });
    return true;
  }

  private expiry(ip: string): NodeJS.Timeout {
    const t = setTimeout(() => this.delist(ip), this.listFor);
    t.unref();
    return t;
  }

  delist(ip: string): void {
    const cur = this.open.get(ip);
    if (!cur) return;
    clearTimeout(cur.timer);
    cur.listing.to = this.now();
    this.open.delete(ip);
    this.dns.delete(reverseName(ip, this.zone));
  }

  isListed(ip: string): boolean {
    return this.open.has(ip);
  }

  /** Ends every open listing at the current time (end of a run). */
  closeAll(): void {
    for (const ip of [...this.open.keys()]) this.delist(ip);
  }
}

/** A DNSBL lookup over real DNS with a per-IP cache of `cacheMs`; a DNS failure reads as "not listed". */
export function createDnsblLookup(server: string, zone: string, cacheMs = 1000): (ip: string) => Promise<boolean> {
  const resolver = new Resolver({ timeout: 1000, tries: 1 });
  resolver.setServers([server]);
  const cache = new Map<string, { until: number; listed: Promise<boolean> }>();
  return (ip) => {
    const now = Date.now();
    const c = cache.get(ip);
    if (c && c.until > now) return c.listed;
    const listed = resolver.resolve4(reverseName(ip, zone)).then(
      (a) => a.some((x) => x.startsWith('127.0.0.')),
      () => false,
    );
    cache.set(ip, { until: now + cacheMs, listed });
    return listed;
  };
}

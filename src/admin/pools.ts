/**
 * Pool and IP operations shared by the CLI (`outpost pool …`) and the admin
 * API: the pools with their IPs, each with its rotation state, DNSBL status
 * per monitored zone, warm-up quota and automatic holds; taking an IP out of
 * rotation or back in (PoolRegistry keeps the state in the state database);
 * and the full "why" of one IP (pools/explain.ts, as `outpost pool show`).
 */
import type { IpHealth } from '../pools/ip-health.js';
import type { PoolIp, PoolRegistry } from '../pools/registry.js';
import { PoolError } from '../pools/registry.js';

const isoOrNull = (ms: number | null | undefined): string | null => (ms ? new Date(ms).toISOString() : null);

export interface IpView {
  readonly pool: string;
  readonly ip: string;
  readonly helo: string;
  readonly rotation: 'in' | 'out';
  readonly reason: string;
  readonly changedAt: string | null;
}

/** IpView plus what keeps the IP in or out: DNSBL listings per zone, warm-up, holds. */
export interface IpStatusView extends IpView {
  readonly dnsbl: { readonly listed: boolean; readonly zones: ReadonlyArray<{ zone: string; listed: boolean; since: string | null; checkedAt: string | null }> };
  readonly warmup: { readonly day: number; readonly quota: number | null; readonly sentToday: number } | null;
  readonly holds: ReadonlyArray<{ reason: string; since: string }>;
}

export function ipView(x: PoolIp): IpView {
  return { pool: x.pool, ip: x.ip, helo: x.helo, rotation: x.enabled ? 'in' : 'out', reason: x.reason, changedAt: isoOrNull(x.changedAt) };
}

export function ipStatusView(h: IpHealth, x: PoolIp): IpStatusView {
  const listings = h.incidents.openListings(x.ip);
  const zones = h.zones.map((zone) => {
    const l = listings.find((i) => i.source === zone);
    return { zone, listed: l !== undefined, since: isoOrNull(l?.openedAt), checkedAt: isoOrNull(h.zoneStatus.get(zone)?.checkedAt) };
  });
  // Listings on zones no longer configured still count: the incident is open.
  for (const l of listings) if (!h.zones.includes(l.source)) zones.push({ zone: l.source, listed: true, since: isoOrNull(l.openedAt), checkedAt: null });
  const w = h.warmup.status(x.ip);
  return {
    ...ipView(x),
    dnsbl: { listed: listings.length > 0, zones },
    warmup: w ? { day: w.day, quota: w.limit, sentToday: w.used } : null,
    holds: x.holds.map((hd) => ({ reason: hd.reason, since: new Date(hd.since).toISOString() })),
  };
}

export interface PoolView {
  readonly name: string;
  readonly maxConnectionsPerDestination: number;
  readonly maxConnectionsPerIp: number;
  readonly messagesPerConnection: number;
  readonly ips: ReadonlyArray<IpView | IpStatusView>;
}

/** The pools; with `health`, each IP carries its DNSBL, warm-up and hold status. */
export function listPools(pools: PoolRegistry, health?: IpHealth): PoolView[] {
  pools.refresh();
  return pools.names().map((name) => {
    const s = pools.settings(name);
    return {
      name, maxConnectionsPerDestination: s.maxConnectionsPerDestination, maxConnectionsPerIp: s.maxConnectionsPerIp, messagesPerConnection: s.messagesPerConnection,
      ips: pools.ips(name).map((x) => (health ? ipStatusView(health, x) : ipView(x))),
    };
  });
}

/** Takes `ip` out of rotation (new connections stop; open ones finish) or puts it back. */
export function setRotation(pools: PoolRegistry, ip: string, inRotation: boolean, reason?: string): IpView[] {
  if (inRotation) pools.enable(ip);
  else pools.disable(ip, reason ?? 'disabled by operator');
  return pools.all().filter((x) => x.ip === ip).map(ipView);
}

/** One IP's status view (its first pool) and the names of every pool that lists it. */
export function ipStatus(h: IpHealth, ip: string): IpStatusView & { pools: string[] } {
  h.pools.refresh();
  const entries = h.pools.all().filter((x) => x.ip === ip);
  if (entries.length === 0) throw new PoolError(`${ip} is not an IP of any configured pool`);
  return { ...ipStatusView(h, entries[0]!), pools: entries.map((x) => x.pool) };
}

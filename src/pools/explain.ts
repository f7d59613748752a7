/**
 * "Why is this IP in or out of rotation?" — one answer per pool IP, built from
 * state.db only (operator state, DNSBL holds and listings, blocked-reply
 * incidents, warm-up counts, the monitor's zone health), so the CLI, the
 * gateway and later the admin API give the same answer. formatExplanation()
 * is the text `outpost pool show IP` prints; the object is its JSON form.
 */
import type { Clock } from '../core/clock.js';
import type { ZoneStatus, ZoneStatusStore } from '../dnsbl/zone-status.js';
import type { IpIncident, IpIncidents } from './incidents.js';
import { PoolError, type IpHold, type PoolRegistry } from './registry.js';
import type { WarmupCounter, WarmupStatus } from './warmup.js';

export interface ExplainSources {
  readonly pools: PoolRegistry;
  readonly incidents: IpIncidents;
  readonly warmup: WarmupCounter;
  readonly zoneStatus: ZoneStatusStore;
  /** Configured DNSBL zone names. */
  readonly zones: readonly string[];
  readonly clock: Clock;
}

export type Rotation = 'in' | 'out' | 'quota-used';

export interface IpExplanation {
  readonly ip: string;
  readonly pools: readonly string[];
  readonly helo: string;
  /** in: new mail may leave from it; out: out of rotation; quota-used: in rotation but today's warm-up quota is used. */
  readonly rotation: Rotation;
  /** Human-readable reasons, most important first. */
  readonly why: readonly string[];
  readonly operator: { readonly enabled: boolean; readonly reason: string; readonly changedAt: number | null };
  readonly holds: readonly IpHold[];
  readonly listings: readonly IpIncident[];
  /** "IP blocked" incidents of the last 7 days. */
  readonly blocked: readonly IpIncident[];
  readonly warmup: (WarmupStatus & { readonly remaining: number | null }) | null;
  readonly monitor: ReadonlyArray<ZoneStatus | { readonly zone: string; readonly ok: null; readonly problem: string }>;
}

const RECENT = 7 * 86_400_000;
const t = (ms: number | null | undefined): string => (ms ? new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z') : '-');

export function explainIp(src: ExplainSources, ip: string): IpExplanation {
  src.pools.refresh();
  const entries = src.pools.all().filter((x) => x.ip === ip);
  const first = entries[0];
  if (!first) throw new PoolError(`${ip} is not an IP of any configured pool`);
  const now = src.clock.now();
  const listings = src.incidents.openListings(ip);
  const blocked = src.incidents.recent(ip, now - RECENT).filter((i) => i.kind === 'blocked');
  const w = src.warmup.status(ip);
  const warmup = w ? { ...w, remaining: w.limit === null ? null : Math.max(0, w.limit - w.used) } : null;
  const monitor = src.zones.map((z) => src.zoneStatus.get(z) ?? { zone: z, ok: null, problem: 'not checked yet' });
  const why: string[] = [];
  if (!first.operator.enabled) why.push(`out of rotation: ${first.operator.reason || 'disabled by operator'} (operator, since ${t(first.operator.changedAt)})`);
  for (const h of first.holds) why.push(`out of rotation: ${h.reason} (since ${t(h.since)})`);
  for (const l of listings) {
    if (!first.holds.some((h) => h.source.endsWith(':' + l.source))) why.push(`listed on ${l.source} (${l.code}: ${l.detail}) since ${t(l.openedAt)}: ${l.rotation || 'not yet acted on'}`);
  }
  let rotation: Rotation = first.enabled ? 'in' : 'out';
  if (warmup) {
    const quota = warmup.limit === null ? `warm-up finished (schedule of ${warmup.days} days from ${warmup.firstDay}): no limit` : `warm-up day ${warmup.day} of ${warmup.days}: ${warmup.used}/${warmup.limit} messages sent today (UTC)`;
    if (warmup.remaining === 0) {
      if (rotation === 'in') rotation = 'quota-used';
      why.push(`${quota}: quota used, the pool sends through its other IPs until 00:00 UTC`);
    } else why.push(quota);
  }
  for (const b of blocked) {
    why.push(`${b.closedAt ? 'was blocked' : 'blocked'} by ${b.source} since ${t(b.openedAt)} (${b.count} repl${b.count === 1 ? 'y' : 'ies'}, last ${t(b.lastSeenAt)}): ${b.code} ${b.detail}; that destination is paused for this IP`);
  }
  if (src.zones.length === 0) why.push('DNSBL: no zones configured (dnsbl.zones)');
  for (const m of monitor) {
    if (m.ok === false) why.push(`DNSBL monitor BROKEN for ${m.zone} since ${t(m.since)}: ${m.problem} (its answers are ignored)`);
    else if (m.ok === null) why.push(`DNSBL: ${m.zone} not checked yet`);
  }
  const okZones = monitor.filter((m): m is ZoneStatus => m.ok === true);
  if (okZones.length > 0 && listings.length === 0) why.push(`DNSBL: not listed on ${okZones.map((m) => m.zone).join(', ')} (checked ${t(Math.min(...okZones.map((m) => m.checkedAt)))})`);
  if (rotation === 'in' && why.length === 0) why.push('in rotation');
  for (const p of entries.map((x) => x.pool)) why.push(`pool ${p}: ${src.pools.inRotation(p).length} of ${src.pools.ips(p).length} IPs in rotation`);
  return {
    ip, pools: entries.map((x) => x.pool), helo: first.helo, rotation, why,
    operator: first.operator, holds: first.holds, listings, blocked, warmup, monitor,
  };
}

/** Every pool IP (each once, in config order). */
export function explainAll(src: ExplainSources): IpExplanation[] {
  return [...new Set(src.pools.all().map((x) => x.ip))].map((ip) => explainIp(src, ip));
}

export function formatExplanation(e: IpExplanation): string {
  return [`${e.ip}  (${e.helo}; pool${e.pools.length > 1 ? 's' : ''} ${e.pools.join(', ')})`, `rotation: ${e.rotation === 'in' ? 'in' : e.rotation === 'out' ? 'OUT' : 'in, but today\'s warm-up quota is used'}`, ...e.why.map((w) => `  - ${w}`)].join('\n');
}

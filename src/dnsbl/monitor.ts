/**
 * The DNSBL monitor: every `dnsbl.interval` it checks every pool IP against
 * every configured zone (query.ts) and acts on what it learns.
 *
 * Each cycle, per zone: first the RFC 5782 self-test (127.0.0.2 listed,
 * 127.0.0.1 not). A zone that fails it, or refuses a query (127.255.255.x),
 * or gives an answer that is no listing code, is reported broken (state.db
 * `dnsbl_zone_status`, an `alert` event when it breaks) and ALL its answers of
 * this cycle are ignored: a broken monitor never lists nor delists anything.
 * A single failed lookup (timeout) leaves that IP's state on that zone as it was.
 *
 * On working zones: a listing opens an IP incident (pools/incidents.ts) and
 * emits `ip-listed` (zone, codes and meanings, the list's TXT, what happened to
 * rotation); a delisting closes it and emits `ip-delisted`. Rotation: a listed
 * IP is taken out (a hold `dnsbl:<zone>` in the pool registry) unless it is the
 * last in-rotation IP of one of its pools (then it stays in, and the event says
 * so; it is taken out in a later cycle once another IP is back) or the zone is
 * alert-only. The hold is released when the zone delists the IP; the operator's
 * own disable/enable is separate and never undone by the monitor.
 *
 * Limits: IPv6 pool IPs are queried in nibble form (most IP lists serve IPv4
 * only and simply answer NXDOMAIN); checks run in this process, at most
 * CONCURRENCY queries at a time per zone.
 */
import type { Clock } from '../core/clock.js';
import type { Resolver } from '../dns/types.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import type { IpIncidents } from '../pools/incidents.js';
import type { PoolRegistry } from '../pools/registry.js';
import { knownCodes } from './known-zones.js';
import { queryDnsbl, selfTest, type DnsblAnswer } from './query.js';
import type { ZoneStatusStore } from './zone-status.js';

const CONCURRENCY = 8;
export const HOLD_PREFIX = 'dnsbl:';

export interface MonitoredZone {
  /** The name shown in records, events and logs: the zone, with a Spamhaus DQS key replaced by `<key>`. */
  readonly name: string;
  /** The name queried (may contain an access key: never logged). */
  readonly query: string;
  /** Listing code → meaning (built-in meanings merged with the config's). */
  readonly codes: Readonly<Record<string, string>>;
  readonly removeFromRotation: boolean;
}

/** The configured zones with their code meanings (built-in ones for known zones, then the config's). */
export function monitoredZones(zones: ReadonlyArray<{ name: string; codes?: Record<string, string> | undefined; removeFromRotation: boolean }>): MonitoredZone[] {
  return zones.map((z) => {
    const query = z.name.toLowerCase().replace(/\.$/, '');
    return { name: redactZone(query), query, codes: { ...knownCodes(query), ...(z.codes ?? {}) }, removeFromRotation: z.removeFromRotation };
  });
}

/** Hides the access key of a Spamhaus DQS zone (`KEY.zen.dq.spamhaus.net` → `<key>.zen.dq.spamhaus.net`). */
export function redactZone(zone: string): string {
  return zone.replace(/^[^.]+(?=\.[a-z-]+\.dq\.spamhaus\.net$)/, '<key>');
}

export interface DnsblMonitorDeps {
  readonly zones: readonly MonitoredZone[];
  readonly intervalMs: number;
  /** Answers must not be cached across cycles (the gateway gives the monitor its own non-caching resolver). */
  readonly resolver: Resolver;
  readonly pools: PoolRegistry;
  readonly incidents: IpIncidents;
  readonly zoneStatus: ZoneStatusStore;
  readonly events: EventBus;
  readonly clock: Clock;
  readonly log: Logger;
}

export interface CycleReport {
  readonly at: number;
  readonly zones: ReadonlyArray<{ readonly zone: string; readonly ok: boolean; readonly problem: string }>;
  /** Listings seen this cycle on working zones. */
  readonly listed: ReadonlyArray<{ readonly ip: string; readonly zone: string; readonly codes: readonly string[] }>;
  /** Lookups that failed (IP state on that zone unchanged). */
  readonly skipped: ReadonlyArray<{ readonly ip: string; readonly zone: string; readonly detail: string }>;
}

interface ZoneResult {
  zone: MonitoredZone;
  ok: boolean;
  problem: string;
  answers: Map<string, DnsblAnswer>;
  skipped: Array<{ ip: string; zone: string; detail: string }>;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export class DnsblMonitor {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<CycleReport> | undefined;
  private stopped = false;
  last: CycleReport | undefined;

  constructor(private readonly d: DnsblMonitorDeps) {}

  /** Runs a cycle now, then one every interval (after the previous one ends). */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      this.runCycle()
        .catch((e: unknown) => this.d.log.error({ err: e }, 'dnsbl: monitor cycle failed'))
        .finally(() => {
          if (!this.stopped) this.schedule(this.d.intervalMs);
        });
    }, ms);
    this.timer.unref();
  }

  /** Stops the schedule; a cycle still waiting for DNS answers is abandoned (it writes nothing once stopped). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.running) await Promise.race([this.running.catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())]);
  }

  /** One full check of every pool IP on every zone (concurrent calls share one cycle). */
  runCycle(): Promise<CycleReport> {
    this.running ??= this.cycle().finally(() => (this.running = undefined));
    return this.running;
  }

  private async cycle(): Promise<CycleReport> {
    const ips = [...new Set(this.d.pools.all().map((x) => x.ip))];
    const results = await Promise.all(this.d.zones.map((z) => this.checkZone(z, ips)));
    const at = this.d.clock.now();
    if (this.stopped) return { at, zones: [], listed: [], skipped: [] };
    for (const r of results) this.recordZone(r);
    const newListings: Array<{ ip: string; zone: MonitoredZone; answer: Extract<DnsblAnswer, { kind: 'listed' }>; id: number }> = [];
    const delistings: Array<{ ip: string; zone: string; since: number }> = [];
    for (const r of results) {
      if (!r.ok) continue;
      for (const [ip, a] of r.answers) {
        if (a.kind === 'listed') {
          const detail = a.codes.map((c) => c.meaning).join('; ') + (a.txt ? ` — list says: "${a.txt}"` : '');
          const { incident, opened } = this.d.incidents.listed(ip, r.zone.name, a.codes.map((c) => c.code).join(','), detail);
          if (opened) newListings.push({ ip, zone: r.zone, answer: a, id: incident.id });
        } else if (a.kind === 'clear') {
          const closed = this.d.incidents.delisted(ip, r.zone.name);
          if (closed) delistings.push({ ip, zone: r.zone.name, since: closed.openedAt });
        }
      }
    }
    this.reconcileRotation();
    const openById = new Map(this.d.incidents.openListings().map((i) => [i.id, i]));
    for (const l of newListings) {
      const rotation = openById.get(l.id)?.rotation ?? '';
      const data = { ip: l.ip, pools: this.d.pools.poolsOf(l.ip), zone: l.zone.name, codes: l.answer.codes, ...(l.answer.txt ? { txt: l.answer.txt } : {}), rotation };
      this.d.log.warn(data, `dnsbl: ${l.ip} is listed on ${l.zone.name}`);
      this.d.events.emit({ type: 'ip-listed', at, data });
    }
    for (const dl of delistings) {
      const state = this.d.pools.all().find((x) => x.ip === dl.ip);
      const rotation = !state ? 'not a pool IP any more' : state.enabled ? 'in rotation' : `still out of rotation: ${state.reason}`;
      const data = { ip: dl.ip, pools: this.d.pools.poolsOf(dl.ip), zone: dl.zone, listedSince: new Date(dl.since).toISOString(), rotation };
      this.d.log.info(data, `dnsbl: ${dl.ip} is no longer listed on ${dl.zone}`);
      this.d.events.emit({ type: 'ip-delisted', at, data });
    }
    const report: CycleReport = {
      at,
      zones: results.map((r) => ({ zone: r.zone.name, ok: r.ok, problem: r.problem })),
      listed: results.filter((r) => r.ok).flatMap((r) => [...r.answers].flatMap(([ip, a]) => (a.kind === 'listed' ? [{ ip, zone: r.zone.name, codes: a.codes.map((c) => c.code) }] : []))),
      skipped: results.flatMap((r) => r.skipped),
    };
    this.last = report;
    return report;
  }

  private async checkZone(zone: MonitoredZone, ips: readonly string[]): Promise<ZoneResult> {
    const scrub = (text: string): string => text.split(zone.query).join(zone.name);
    const st = await selfTest(this.d.resolver, zone.query, zone.codes);
    if (!st.ok) return { zone, ok: false, problem: scrub(`self-test failed: ${st.problem}`), answers: new Map(), skipped: [] };
    const answers = new Map<string, DnsblAnswer>();
    const skipped: ZoneResult['skipped'] = [];
    const got = await mapLimit(ips, CONCURRENCY, (ip) => queryDnsbl(this.d.resolver, ip, zone.query, zone.codes));
    let problem = '';
    ips.forEach((ip, i) => {
      const a = got[i]!;
      if (a.kind === 'refused') problem ||= `query for ${ip}: ${a.meaning} (${a.code})`;
      else if (a.kind === 'unexpected') problem ||= scrub(`query for ${ip}: ${a.detail}`);
      else if (a.kind === 'error') skipped.push({ ip, zone: zone.name, detail: scrub(a.detail) });
      else answers.set(ip, a);
    });
    if (problem) return { zone, ok: false, problem, answers: new Map(), skipped };
    return { zone, ok: true, problem: '', answers, skipped };
  }

  private recordZone(r: ZoneResult): void {
    const prev = this.d.zoneStatus.record(r.zone.name, r.ok, r.problem);
    for (const s of r.skipped) this.d.log.warn(s, 'dnsbl: lookup failed; state on this zone unchanged');
    if (!r.ok && (prev === undefined || prev.ok || prev.problem !== r.problem)) {
      this.d.log.error({ zone: r.zone.name, problem: r.problem }, 'dnsbl: monitor broken for this zone; its answers are ignored');
      this.d.events.emit({ type: 'alert', at: this.d.clock.now(), data: { kind: 'dnsbl-monitor-broken', zone: r.zone.name, problem: r.problem } });
    } else if (r.ok && prev && !prev.ok) {
      this.d.log.info({ zone: r.zone.name }, 'dnsbl: zone answers correctly again');
    }
  }

  /** Brings holds in line with open listings (see the header for the rules). */
  private reconcileRotation(): void {
    const { pools, incidents } = this.d;
    const zones = new Map(this.d.zones.map((z) => [z.name, z]));
    const open = incidents.openListings();
    const wanted = new Set(open.filter((i) => zones.get(i.source)?.removeFromRotation).map((i) => `${i.ip}|${HOLD_PREFIX}${i.source}`));
    for (const [ip, holds] of pools.allHolds()) {
      for (const h of holds) {
        if (h.source.startsWith(HOLD_PREFIX) && !wanted.has(`${ip}|${h.source}`)) {
          pools.release(ip, h.source);
          this.d.log.info({ ip, hold: h.source }, 'dnsbl: hold released');
        }
      }
    }
    const configured = new Set(pools.all().map((x) => x.ip));
    for (const i of open) {
      const zone = zones.get(i.source);
      if (!zone) {
        // The zone was removed from the config: nobody checks it any more, so its listings close.
        incidents.delisted(i.ip, i.source);
        this.d.log.info({ ip: i.ip, zone: i.source }, 'dnsbl: listing closed: zone no longer configured');
        continue;
      }
      if (!configured.has(i.ip)) continue;
      let rotation: string;
      if (!zone.removeFromRotation) rotation = 'unchanged (zone is alert-only)';
      else {
        const source = HOLD_PREFIX + zone.name;
        const state = pools.all().filter((x) => x.ip === i.ip);
        const held = state.some((x) => x.holds.some((h) => h.source === source));
        const inRotation = state.some((x) => x.enabled);
        const lastOf = inRotation ? pools.poolsOf(i.ip).find((p) => pools.inRotation(p).every((x) => x.ip === i.ip)) : undefined;
        if (held) rotation = 'removed from rotation';
        else if (lastOf) rotation = `kept in rotation: last IP in rotation of pool ${lastOf}`;
        else {
          pools.hold(i.ip, source, `listed on ${zone.name} (${i.code}: ${i.detail})`);
          rotation = 'removed from rotation';
          if (i.rotation.startsWith('kept')) {
            this.d.log.warn({ ip: i.ip, zone: zone.name }, 'dnsbl: listed IP taken out of rotation now that its pool has another IP');
            this.d.events.emit({ type: 'alert', at: this.d.clock.now(), data: { kind: 'ip-out-of-rotation', ip: i.ip, zone: zone.name, code: i.code, meaning: i.detail } });
          }
        }
      }
      if (rotation !== i.rotation) incidents.setRotation(i.id, rotation);
    }
  }
}

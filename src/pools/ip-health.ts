/**
 * Opens everything that describes our IPs' health in one state database:
 * rotation (registry), incidents, warm-up counts and the DNSBL monitor's zone
 * health. The gateway and the CLI both use it, so both explain an IP the same
 * way (explain.ts).
 */
import type { Clock } from '../core/clock.js';
import type { Config } from '../config/schema.js';
import type { Db } from '../db/sqlite.js';
import { monitoredZones } from '../dnsbl/monitor.js';
import { ZoneStatusStore } from '../dnsbl/zone-status.js';
import { explainAll, explainIp, type ExplainSources, type IpExplanation } from './explain.js';
import { IpIncidents } from './incidents.js';
import { PoolRegistry } from './registry.js';
import { WarmupCounter, warmupPlans } from './warmup.js';

export interface IpHealth extends ExplainSources {
  readonly warmup: WarmupCounter;
  /** Why `ip` is in or out of rotation (throws PoolError for an unknown IP). For the CLI and the admin API. */
  explain(ip: string): IpExplanation;
  explainAll(): IpExplanation[];
}

export function openIpHealth(db: Db, config: Config, clock: Clock, pools?: PoolRegistry): IpHealth {
  const src: ExplainSources & { warmup: WarmupCounter } = {
    pools: pools ?? new PoolRegistry(db, config.pools, clock),
    incidents: new IpIncidents(db, clock),
    warmup: new WarmupCounter(db, clock, warmupPlans(config.pools)),
    zoneStatus: new ZoneStatusStore(db, clock),
    zones: monitoredZones(config.dnsbl.zones).map((z) => z.name),
    clock,
  };
  return { ...src, explain: (ip) => explainIp(src, ip), explainAll: () => explainAll(src) };
}

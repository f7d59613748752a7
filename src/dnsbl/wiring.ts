/**
 * Builds the gateway's DNSBL monitor from configuration, or nothing when no
 * zone is configured. The monitor gets its own resolver on the configured DNS
 * servers (dns.servers, else the system's) that caches nothing, so every cycle
 * sees the lists as they are now.
 */
import type { Clock } from '../core/clock.js';
import type { Config } from '../config/schema.js';
import { createResolver } from '../dns/resolver.js';
import { dnsServers } from '../delivery/wiring.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import type { IpHealth } from '../pools/ip-health.js';
import { DnsblMonitor, monitoredZones } from './monitor.js';

export function createDnsblMonitor(o: { config: Config; health: IpHealth; events: EventBus; clock: Clock; log: Logger }): DnsblMonitor | undefined {
  const { config } = o;
  if (config.dnsbl.zones.length === 0) return undefined;
  const resolver = createResolver({ servers: dnsServers(config), timeoutMs: config.dns.timeout, clock: o.clock, maxTtlSec: 0, negativeTtlSec: 0 });
  return new DnsblMonitor({
    zones: monitoredZones(config.dnsbl.zones),
    intervalMs: config.dnsbl.interval,
    resolver,
    pools: o.health.pools,
    incidents: o.health.incidents,
    zoneStatus: o.health.zoneStatus,
    events: o.events,
    clock: o.clock,
    log: o.log,
  });
}

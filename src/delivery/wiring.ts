/**
 * Builds the delivery engine's dependencies from configuration: the caching
 * DNS resolver (configured servers, else the system's), next-hop resolution
 * with static routes, the SMTP client, the reply rules and the bouncer.
 */
import { getServers } from 'node:dns';
import { isIPv6 } from 'node:net';
import type { Cleanup } from '../cleanup/cleanup.js';
import type { Clock } from '../core/clock.js';
import type { Config } from '../config/schema.js';
import { createResolver } from '../dns/resolver.js';
import type { Logger } from '../log/logger.js';
import type { PoolRegistry } from '../pools/registry.js';
import type { Spool } from '../spool/spool.js';
import { createBouncer } from '../bounce/bouncer.js';
import type { DeliveryDeps } from './engine.js';
import { createNextHopResolver } from './next-hop.js';
import { isNonPublicAddress } from '../core/net.js';
import { classifyReply, defaultReplyRules } from './reply-rules.js';
import { openSmtpSession } from './smtp-client.js';

/** The configured DNS servers, or the system's resolvers (port 53). */
export function dnsServers(config: Config): string[] {
  if (config.dns.servers.length > 0) return [...config.dns.servers];
  const sys = getServers().map((s) => (s.includes(']:') || /^[^:]+:\d+$/.test(s) ? s : isIPv6(s) ? `[${s}]:53` : `${s}:53`));
  return sys.length > 0 ? sys : ['127.0.0.1:53'];
}

export function buildDeliveryDeps(o: { config: Config; spool: Spool; pools: PoolRegistry; cleanup: Cleanup; clock: Clock; log: Logger; observe?: DeliveryDeps['observe'] }): DeliveryDeps {
  const { config, clock } = o;
  const resolver = createResolver({ servers: dnsServers(config), timeoutMs: config.dns.timeout, clock });
  const rules = defaultReplyRules();
  const d = config.delivery;
  const ownIps = new Set(Object.values(config.pools).flatMap((p) => p.ips.map((i) => i.ip)));
  const refuseAddress = d.allowPrivateMx ? undefined : (ip: string) => isNonPublicAddress(ip) || ownIps.has(ip);
  return {
    spool: o.spool,
    clock,
    log: o.log,
    pools: o.pools,
    ...(o.observe ? { observe: o.observe } : {}),
    nextHop: createNextHopResolver({ resolver, routes: config.routes, defaultPort: d.port, ...(refuseAddress ? { refuseAddress } : {}) }),
    connect: openSmtpSession,
    classify: (r) => classifyReply(r, rules),
    bouncer: createBouncer({ cleanup: o.cleanup, clock, hostname: config.platform.hostname, maxQueueAge: d.maxQueueAge }),
    settings: {
      hold: d.hold, retrySchedule: d.retrySchedule, maxQueueAge: d.maxQueueAge, delayWarningAfter: d.delayWarningAfter, tls: d.tls,
      slowDownInitial: d.slowDownInitial, slowDownMax: d.slowDownMax, connectTimeout: d.connectTimeout, commandTimeout: d.commandTimeout, maxReady: d.maxReady, idleConnectionTime: d.idleConnectionTime,
    },
  };
}

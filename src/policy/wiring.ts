/**
 * Builds the policy stage from configuration for the gateway: the policy
 * decider (scanner, configured defaults, tenant overrides from the state
 * database, cached sender-domain lookups, quarantine releases), the
 * follow-up after each decision (DSN of rejected mail, platform events) and
 * the quarantine expiry sweeper. Checks at start that every pool the
 * configured policy names exists.
 */
import type { Cleanup } from '../cleanup/cleanup.js';
import type { Clock } from '../core/clock.js';
import type { Config } from '../config/schema.js';
import type { Db } from '../db/sqlite.js';
import { createResolver } from '../dns/resolver.js';
import { dnsServers } from '../delivery/wiring.js';
import { createBouncer } from '../bounce/bouncer.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import { QuarantineSweeper } from '../quarantine/sweeper.js';
import type { Scanner } from '../scan/index.js';
import type { QuarantineSpool } from '../spool/quarantine.js';
import { checkPoolsExist, defaultTable, parseAction } from './action.js';
import { createPolicyDecider, type PolicyDecider } from './decider.js';
import { createPolicyFollowUp } from './follow-up.js';
import { createSenderDomainCheck } from './sender-domain.js';
import { TenantPolicyStore } from './store.js';

export interface PolicyStage {
  readonly decider: PolicyDecider;
  readonly store: TenantPolicyStore;
  readonly afterRoute: ReturnType<typeof createPolicyFollowUp>;
  readonly sweeper: QuarantineSweeper;
}

export function buildPolicyStage(o: {
  config: Config; state: Db; spool: QuarantineSpool; cleanup: Cleanup; clock: Clock; log: Logger; events: EventBus; scanner?: Scanner;
}): PolicyStage {
  const { config, clock } = o;
  const pools = Object.keys(config.pools);
  const defaults = defaultTable(config.policy, pools);
  checkPoolsExist(Object.values(defaults), pools, 'config policy');
  checkPoolsExist([parseAction(`deliver:${config.policy.bouncePool}`), parseAction(`deliver:${config.policy.noMailDomainPool}`)], pools, 'config policy');
  const store = new TenantPolicyStore(o.state, clock);
  const senderDomain = config.policy.checkSenderDomain
    ? createSenderDomainCheck(createResolver({ servers: dnsServers(config), timeoutMs: Math.min(config.dns.timeout, 2000), clock, rounds: 1 }), clock)
    : undefined;
  const decider = createPolicyDecider({
    ...(o.scanner ? { scan: (raw, ctx) => o.scanner!.scan(raw, ctx) } : {}),
    defaults, overrides: (t) => store.overrides(t),
    bouncePool: config.policy.bouncePool, noMailDomainPool: config.policy.noMailDomainPool,
    ...(senderDomain ? { senderDomain } : {}),
    releaseOf: (id) => o.spool.releaseOf(id),
  });
  const bouncer = createBouncer({ cleanup: o.cleanup, clock, hostname: config.platform.hostname, maxQueueAge: config.delivery.maxQueueAge });
  const afterRoute = createPolicyFollowUp({ bouncer, events: o.events, clock, log: o.log });
  const q = config.quarantine;
  const sweeper = new QuarantineSweeper({ spool: o.spool, bouncer, clock, log: o.log, expireAfter: q.expireAfter, notifySender: q.notifySenderOnExpiry, interval: q.sweepInterval });
  return { decider, store, afterRoute, sweeper };
}

/**
 * Builds the feedback side of the gateway from configuration: the VERP codec
 * (bounce domain, secret from config or state.db), the suppression and report
 * stores, the intake, and the listener. gateway.ts calls buildFeedback()
 * once and uses what it returns; the CLI (`outpost feedback import`) builds
 * the same intake against the data directory.
 */
import type { Clock } from '../core/clock.js';
import type { Config } from '../config/schema.js';
import type { Db } from '../db/sqlite.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import type { ReputationSignals } from '../reputation/signals.js';
import type { Spool } from '../spool/spool.js';
import { SuppressionStore } from '../suppression/store.js';
import type { TenantStore } from '../tenants/store.js';
import { createIntake, type Intake } from './intake.js';
import { ReportStore } from './report-store.js';
import { tenantTag } from './return-path.js';
import { verpSecret } from './secret.js';
import { createVerp, type Verp } from './verp.js';

export interface FeedbackParts {
  readonly verp: Verp;
  readonly bounceDomain: string;
  readonly fblAddresses: ReadonlySet<string>;
  readonly suppressions: SuppressionStore;
  readonly reports: ReportStore;
  readonly intake: Intake;
}

export function bounceDomainOf(config: Config): string {
  return (config.feedback.bounceDomain ?? config.platform.domain).toLowerCase().replace(/\.$/, '');
}

export function buildFeedback(o: {
  config: Config; state: Db; spool: Pick<Spool, 'appendEvent' | 'getMessage'>; tenants: TenantStore;
  events: EventBus; reputation: ReputationSignals; clock: Clock; log: Logger;
}): FeedbackParts {
  const { config, tenants } = o;
  const bounceDomain = bounceDomainOf(config);
  const verp = createVerp({ secret: verpSecret(o.state, config.feedback.verpSecret, o.clock.now()), bounceDomain, localPart: config.feedback.verpLocalPart });
  const fbl = config.feedback.fblAddresses.length > 0 ? config.feedback.fblAddresses : [`fbl@${bounceDomain}`];
  const suppressions = new SuppressionStore(o.state, o.clock);
  const reports = new ReportStore(o.state, o.clock);
  const byTag = (tag: string): string | undefined => tenants.list().find((t) => tenantTag(t.id) === tag)?.id;
  const intake = createIntake({
    verp, platformDomain: config.platform.domain.toLowerCase(), senderId: config.platform.senderId,
    getMessage: (id) => o.spool.getMessage(id),
    tenantExists: (id) => tenants.get(id) !== null,
    domainOwner: (domain) => tenants.list().find((t) => t.domains.includes(domain))?.id,
    tenantByTag: byTag,
    spool: o.spool, reports, suppressions, events: o.events, reputation: o.reputation, clock: o.clock, log: o.log,
  });
  return { verp, bounceDomain, fblAddresses: new Set(fbl.map((a) => a.toLowerCase())), suppressions, reports, intake };
}

/**
 * What synchronous delivery results mean for feedback: an observer for
 * DeliveryDeps.observe. A recipient that failed permanently with an enhanced
 * status 5.1.x (address does not exist; not 5.1.7/5.1.8, which are about the
 * sender) is put on the tenant's suppression list with a `suppressed` event,
 * and every recipient outcome is reported to the reputation engine
 * (reputation.delivery: delivered / unknown-recipient / hard-bounce /
 * soft-bounce / slow-down / blocked).
 * Must be cheap and never throw (it runs after each recorded attempt).
 */
import type { AttemptObservation } from '../delivery/engine.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import type { DeliveryOutcomeKind, ReputationSignals } from '../reputation/signals.js';
import type { SuppressionStore } from '../suppression/store.js';

type Rcpt = AttemptObservation['recipients'][number];

export function outcomeKind(r: Rcpt, incident: AttemptObservation['incident']): DeliveryOutcomeKind {
  if (r.state === 'delivered') return 'delivered';
  if (r.class === 'ip-blocked' || (incident === 'ip-blocked' && r.state === 'deferred')) return 'blocked';
  if (r.class === 'slow-down') return 'slow-down';
  if (r.state === 'deferred' || r.state === 'expired') return 'soft-bounce';
  const e = r.reply.enhanced ?? '';
  return e === '5.1.1' || e === '5.1.10' ? 'unknown-recipient' : 'hard-bounce';
}

export function suppressesOnFailure(r: Rcpt): boolean {
  const e = r.reply.enhanced ?? '';
  return r.state === 'failed' && /^5\.1\.\d{1,3}$/.test(e) && e !== '5.1.7' && e !== '5.1.8';
}

export function feedbackObserver(d: { suppressions: SuppressionStore; reputation: ReputationSignals; events: EventBus; log: Logger }): (o: AttemptObservation) => void {
  return (o) => {
    try {
      const tenantId = o.job.tenantId;
      for (const r of o.recipients) {
        d.reputation.delivery(tenantId, { kind: outcomeKind(r, o.incident), domain: o.job.domain, ...(o.ip ? { ip: o.ip } : {}) }, o.at);
        if (!suppressesOnFailure(r)) continue;
        const added = d.suppressions.add({ tenantId, rcpt: r.rcpt, reason: 'hard-bounce', source: 'delivery', messageId: o.job.messageId, detail: `${r.reply.code} ${r.reply.enhanced ?? ''} ${r.reply.text}`, at: o.at });
        if (added) d.events.emit({ type: 'suppressed', at: o.at, tenantId, messageId: o.job.messageId, data: { recipient: r.rcpt, reason: 'hard-bounce', status: r.reply.enhanced ?? null } });
      }
    } catch (err) {
      d.log.error({ err, messageId: o.job.messageId }, 'feedback: observing a delivery attempt failed');
    }
  };
}

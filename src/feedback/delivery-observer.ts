/**
 * What synchronous delivery results mean for feedback: an observer for
 * DeliveryDeps.observe. A recipient that failed permanently with an enhanced
 * status 5.1.x (address does not exist; not 5.1.7/5.1.8, which are about the
 * sender) is put on the tenant's suppression list with a `suppressed` event.
 * (The reputation engine hears every outcome through its own observer,
 * reputation/delivery-outcome.ts; the gateway runs both.)
 * Must be cheap and never throw (it runs after each recorded attempt).
 */
import type { AttemptObservation } from '../delivery/engine.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import type { SuppressionStore } from '../suppression/store.js';

type Rcpt = AttemptObservation['recipients'][number];

export function suppressesOnFailure(r: Rcpt): boolean {
  const e = r.reply.enhanced ?? '';
  return r.state === 'failed' && /^5\.1\.\d{1,3}$/.test(e) && e !== '5.1.7' && e !== '5.1.8';
}

export function feedbackObserver(d: { suppressions: SuppressionStore; events: EventBus; log: Logger }): (o: AttemptObservation) => void {
  return (o) => {
    try {
      const tenantId = o.job.tenantId;
      for (const r of o.recipients) {
        if (!suppressesOnFailure(r)) continue;
        const added = d.suppressions.add({ tenantId, rcpt: r.rcpt, reason: 'hard-bounce', source: 'delivery', messageId: o.job.messageId, detail: `${r.reply.code} ${r.reply.enhanced ?? ''} ${r.reply.text}`, at: o.at });
        if (added) d.events.emit({ type: 'suppressed', at: o.at, tenantId, messageId: o.job.messageId, data: { recipient: r.rcpt, reason: 'hard-bounce', status: r.reply.enhanced ?? null } });
      }
    } catch (err) {
      d.log.error({ err, messageId: o.job.messageId }, 'feedback: observing a delivery attempt failed');
    }
  };
}

/**
 * From a recorded delivery attempt (DeliveryDeps.observe) to the reputation
 * engine's `delivery` signal, one per recipient:
 * 2xx delivered; the reply rules' slow-down → slow-down, ip-blocked → blocked;
 * 5xx with 5.1.1 / 5.1.10 (or a rule of class mailbox-unknown) → unknown
 * recipient; other 5xx → hard bounce; the rest (4xx, no reply) → soft bounce.
 * Generated bounces (null sender) and the platform's own mail are not the
 * tenant's doing and are skipped.
 */
import type { AttemptObservation } from '../delivery/engine.js';
import { classifyReply } from '../delivery/reply-rules.js';
import type { SmtpReply } from '../core/smtp-reply.js';
import type { DeliveryOutcomeKind, ReputationSignals } from './signals.js';

export function outcomeKind(r: { readonly reply: SmtpReply; readonly class?: string }): DeliveryOutcomeKind {
  if (r.class === 'delivered' || (r.reply.code >= 200 && r.reply.code < 400)) return 'delivered';
  if (r.class === 'slow-down') return 'slow-down';
  if (r.class === 'ip-blocked') return 'blocked';
  if (r.reply.code >= 500 && r.reply.code < 600) {
    const e = r.reply.enhanced;
    if (e === '5.1.1' || e === '5.1.10' || classifyReply(r.reply).category === 'mailbox-unknown') return 'unknown-recipient';
    return 'hard-bounce';
  }
  return 'soft-bounce';
}

/** The DeliveryDeps.observe function that feeds the engine. */
export function observeDeliveries(rep: ReputationSignals, isPlatform: (tenantId: string) => boolean): (o: AttemptObservation) => void {
  return (o) => {
    if (o.job.mailFrom === '' || isPlatform(o.job.tenantId)) return;
    for (const r of o.recipients) rep.delivery(o.job.tenantId, { kind: outcomeKind(r), domain: o.job.domain, ...(o.ip ? { ip: o.ip } : {}) }, o.at);
  };
}

/**
 * What happens after a policy decision is durable (Processor.afterRoute):
 * - reject: a failure DSN to the sender through the bouncer, quoting the
 *   policy reply (the decision is made after the 250, so a DSN is the only
 *   way to tell the sender); recipients skipped for other reasons are left out;
 * - quarantine: a `quarantined` platform event;
 * - a message that was released from quarantine: a `released` platform event
 *   with where it went this time;
 * - drop: a warning in the log (the decider counts drops; the message keeps
 *   its `routed` event).
 * Limits: if the process dies between the routing commit and the DSN
 * submission, that DSN is not sent (the message's events still say why).
 */
import type { Bouncer } from '../bounce/bouncer.js';
import type { Clock } from '../core/clock.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import type { IncomingMessage, RouteDecision } from '../spool/spool.js';

export interface FollowUpOptions {
  readonly bouncer: Bouncer;
  readonly events: EventBus;
  readonly clock: Clock;
  readonly log: Logger;
}

export function createPolicyFollowUp(o: FollowUpOptions): (m: IncomingMessage, d: RouteDecision, body: Buffer) => Promise<void> {
  return async (m, d, body) => {
    const at = o.clock.now();
    const routed = d.events?.find((e) => e.type === 'routed')?.data;
    const facts = { ...(d.verdict ? { class: d.verdict.class, score: Math.round(d.verdict.score * 1000) / 1000 } : {}), why: d.route.why };
    const release = routed?.['release'] as { by: string; forcePool?: string } | undefined;
    if (release) {
      o.events.emit({ type: 'released', at, tenantId: m.tenantId, messageId: m.id, data: { ...facts, by: release.by, ...(release.forcePool ? { forcePool: release.forcePool } : {}), route: d.route.kind, ...(d.route.kind === 'deliver' ? { pool: d.route.pool } : {}) } });
    }
    if (d.route.kind === 'quarantine') {
      o.events.emit({ type: 'quarantined', at, tenantId: m.tenantId, messageId: m.id, data: facts });
    } else if (d.route.kind === 'drop') {
      o.log.warn({ messageId: m.id, tenant: m.tenantId, why: d.route.why }, 'policy dropped a message');
    } else if (d.route.kind === 'reject' && m.source !== 'bounce') {
      const skipped = new Set((d.skip ?? []).map((s) => s.idx));
      const reply = d.route.reply;
      const recipients = m.envelope.rcptTo.filter((_, i) => !skipped.has(i)).map((rcpt) => ({ rcpt, reply, expired: false }));
      await o.bouncer.bounce(
        { jobId: 0, messageId: m.id, tenantId: m.tenantId, domain: '', pool: '', attempts: 0, receivedAt: m.receivedAt, mailFrom: m.envelope.mailFrom, size: m.size, warned: false, recipients: [] },
        body, recipients, 'failure',
      );
    }
  };
}

/**
 * Platform events for what happens to messages, built from the observers the
 * mail path already has, so the mail path pays only for building a small
 * object: cleanup's hand-off (received), the processor's observe hook
 * (scanned, routed, suppressed; quarantined comes from the policy stage) and DeliveryDeps.observe
 * (delivered, deferred, bounced; one event per outcome per attempt, listing
 * its recipients). The spool keeps each message's own history; these go on
 * the bus (gateway.events) for the event store, webhooks and metrics.
 */
import type { AttemptObservation } from '../delivery/engine.js';
import type { IncomingMessage, RouteDecision } from '../spool/spool.js';
import type { PlatformEvent } from './bus.js';

export function receivedEvent(m: IncomingMessage, at: number): PlatformEvent {
  return {
    type: 'received', at, tenantId: m.tenantId, messageId: m.id,
    data: { source: m.source, mailFrom: m.envelope.mailFrom, recipients: m.envelope.rcptTo, size: m.size },
  };
}

export function routedEvents(m: IncomingMessage, d: RouteDecision, at: number): PlatformEvent[] {
  const base = { at, tenantId: m.tenantId, messageId: m.id };
  const out: PlatformEvent[] = [];
  if (d.verdict) {
    out.push({ ...base, type: 'scanned', data: { class: d.verdict.class, score: d.verdict.score, rules: d.verdict.reasons.slice(0, 5).map((r) => r.rule) } });
  }
  const r = d.route;
  // 'quarantined' (with class, score and why) comes from the policy stage's follow-up (src/policy/follow-up.ts).
  if (r.kind !== 'quarantine') out.push({ ...base, type: 'routed', data: { route: r.kind, why: r.why, ...(r.kind === 'deliver' ? { pool: r.pool } : {}), ...(r.kind === 'reject' ? { reply: r.reply } : {}) } });
  const suppressed = (d.skip ?? []).filter((s) => s.state === 'suppressed');
  if (suppressed.length > 0) {
    out.push({ ...base, type: 'suppressed', data: { recipients: suppressed.map((s) => ({ rcpt: m.envelope.rcptTo[s.idx] ?? null, reply: s.reply })) } });
  }
  return out;
}

export function attemptEvents(o: AttemptObservation): PlatformEvent[] {
  const groups: Record<'delivered' | 'deferred' | 'bounced', Array<Record<string, unknown>>> = { delivered: [], deferred: [], bounced: [] };
  for (const r of o.recipients) {
    const g = r.state === 'delivered' ? 'delivered' : r.state === 'deferred' ? 'deferred' : 'bounced';
    groups[g].push({ rcpt: r.rcpt, state: r.state, reply: r.reply, ...(r.class ? { class: r.class } : {}) });
  }
  const out: PlatformEvent[] = [];
  for (const type of ['delivered', 'deferred', 'bounced'] as const) {
    if (groups[type].length === 0) continue;
    out.push({
      type, at: o.at, tenantId: o.job.tenantId, messageId: o.job.messageId,
      data: {
        pool: o.job.pool, ip: o.ip ?? null, destination: o.job.domain, attempt: o.job.attempts + 1,
        ...(o.incident ? { incident: o.incident } : {}), recipients: groups[type],
      },
    });
  }
  return out;
}

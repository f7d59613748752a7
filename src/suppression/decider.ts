/**
 * Suppression at routing time: wraps the Decider and, for messages routed for
 * delivery, marks recipients on the tenant's suppression list as skipped
 * (RouteDecision.skip, state 'suppressed', 550 5.7.1) with a 'suppressed'
 * event, so each gets a clear per-recipient result and is never sent.
 * Catches entries added between submission and routing too (the admission
 * check already refused submissions where every recipient was suppressed).
 * Bounces (null sender, internal) are never suppressed.
 */
import type { Decider } from '../pipeline/processor.js';
import type { RouteDecision } from '../spool/spool.js';
import type { SuppressionStore } from './store.js';

export function withSuppression(inner: Decider, store: SuppressionStore, onSuppressed?: (tenantId: string, messageId: string, rcpts: string[]) => void): Decider {
  return async (m, body) => {
    const d = await inner(m, body);
    if (d.route.kind !== 'deliver' || m.source === 'bounce') return d;
    const already = new Set((d.skip ?? []).map((s) => s.idx));
    const skip: NonNullable<RouteDecision['skip']>[number][] = [];
    const rcpts: string[] = [];
    m.envelope.rcptTo.forEach((rcpt, idx) => {
      if (already.has(idx)) return;
      const hit = store.get(m.tenantId, rcpt);
      if (!hit) return;
      rcpts.push(rcpt);
      skip.push({ idx, state: 'suppressed', reply: { code: 550, enhanced: '5.7.1', text: `recipient is on this sender's suppression list (${hit.reason})` } });
    });
    if (skip.length === 0) return d;
    onSuppressed?.(m.tenantId, m.id, rcpts);
    return { ...d, skip: [...(d.skip ?? []), ...skip], events: [...(d.events ?? []), { type: 'suppressed', data: { recipients: rcpts } }] };
  };
}

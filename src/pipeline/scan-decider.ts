/**
 * The decider used when scanning is on: scan the message (worker threads),
 * record the verdict and its reasons as an event, and route by class —
 * clean and bulk from `default`, suspect and spam from `high-risk` (the
 * defaults the policy issue builds on; per-tenant policy, quarantine and
 * reject come with it). Generated bounces skip the scan and always leave
 * from `high-risk`. A scanner fault yields a clean verdict with a
 * `scanner-error` reason: it never blocks mail.
 */
import type { Verdict, VerdictClass } from '../core/types.js';
import type { Scanner } from '../scan/index.js';
import type { RouteDecision } from '../spool/spool.js';
import { basicDecider, type Decider } from './processor.js';

const POOL_FOR: Record<VerdictClass, string> = { clean: 'default', bulk: 'default', suspect: 'high-risk', spam: 'high-risk' };

export function scannedEvent(v: Verdict): RouteDecision['events'] {
  return [
    {
      type: 'scanned',
      data: { class: v.class, score: Math.round(v.score * 1000) / 1000, fingerprint: v.fingerprint, reasons: v.reasons.slice(0, 8).map((r) => ({ rule: r.rule, weight: r.weight, detail: r.detail })) },
    },
  ];
}

export function createScanDecider(scanner: Scanner): Decider {
  return async (m, body) => {
    if (m.source === 'bounce') return basicDecider(m, body);
    const verdict = await scanner.scan(body, { tenantId: m.tenantId, recipientCount: m.envelope.rcptTo.length, mailFrom: m.envelope.mailFrom, receivedAt: m.receivedAt });
    const pool = POOL_FOR[verdict.class];
    const why = `scanner class ${verdict.class} (score ${verdict.score.toFixed(3)})`;
    return {
      route: { kind: 'deliver', pool, why },
      verdict,
      events: [...(scannedEvent(verdict) ?? []), { type: 'routed', data: { pool, why } }],
    };
  };
}

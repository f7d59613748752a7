/**
 * The routing decision as a pure function of data: the verdict, the
 * configured default table, the tenant's overrides, what DNS says about the
 * sender domain, and an operator's release (optionally forcing a pool).
 * No I/O, no clock: the golden tests (fixtures/routing.json) run every row
 * through it and through the full decider.
 *
 * Order of rules (first match wins, later rules only adjust):
 *  1. generated bounces (source 'bounce') → deliver from `bouncePool`, not scanned;
 *     internal alerts → deliver from `default`, not scanned;
 *  2. an operator release with --force-pool → deliver from that pool (the scan
 *     still ran and is recorded);
 *  3. the tenant's row for the class, else the default row;
 *  4. a deliver action for a sender domain with no MX and no A/AAAA (or a
 *     null MX) moves to `noMailDomainPool`. A DNS failure changes nothing.
 * Without a verdict (scanning off) the message counts as `clean`.
 */
import type { SmtpReply } from '../core/smtp-reply.js';
import type { Route, Source, Verdict, VerdictClass } from '../core/types.js';
import { formatAction, type PolicyAction, type PolicyOverrides, type PolicyTable } from './action.js';
import type { SenderDomainStatus } from './sender-domain.js';

export interface RouteInput {
  readonly source: Source;
  readonly verdict?: Verdict;
  readonly defaults: PolicyTable;
  readonly overrides: PolicyOverrides;
  readonly bouncePool: string;
  readonly noMailDomainPool: string;
  readonly senderDomain?: { readonly domain: string; readonly status: SenderDomainStatus };
  readonly release?: { readonly by: string; readonly at: number; readonly forcePool?: string };
}

/** "Why this route": the facts behind the decision, stored as the message's `routed` event. */
export interface RouteExplanation {
  readonly action: PolicyAction['action'];
  readonly pool?: string;
  readonly class?: VerdictClass;
  readonly score?: number;
  readonly reasons?: ReadonlyArray<{ rule: string; weight: number; detail: string }>;
  /** Which rule decided: bounce, alert, forced, tenant-policy, default-policy. */
  readonly rule: 'bounce' | 'alert' | 'forced' | 'tenant-policy' | 'default-policy';
  /** The policy row applied, e.g. "spam → quarantine". */
  readonly row?: string;
  /** The tenant's override of that row, when it has one (null: default applied). */
  readonly tenantOverride?: string | null;
  readonly adjustments: readonly string[];
  readonly senderDomain?: { readonly domain: string; readonly status: SenderDomainStatus };
  readonly release?: { readonly by: string; readonly at: number; readonly forcePool?: string };
  readonly why: string;
}

export interface RouteOutcome {
  readonly route: Route;
  readonly explanation: RouteExplanation;
}

const TOP_REASONS = 3;

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function topReasons(v: Verdict): Array<{ rule: string; weight: number; detail: string }> {
  return [...v.reasons]
    .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight))
    .slice(0, TOP_REASONS)
    .map((r) => ({ rule: r.rule, weight: round(r.weight), detail: r.detail }));
}

/** The reply recorded for rejected recipients and quoted in the sender's DSN. */
export function rejectReply(cls: VerdictClass, v: Verdict | undefined): SmtpReply {
  const reasons = v ? topReasons(v).map((r) => r.rule).join(', ') : '';
  const score = v ? ` (score ${v.score.toFixed(3)}${reasons ? `; ${reasons}` : ''})` : '';
  return { code: 550, enhanced: '5.7.1', text: `Message rejected by the provider's outbound policy: classified ${cls}${score}` };
}

export function decideRoute(i: RouteInput): RouteOutcome {
  if (i.source === 'bounce' || i.source === 'alert') {
    const pool = i.source === 'bounce' ? i.bouncePool : 'default';
    const why = i.source === 'bounce' ? `generated bounce: always from ${pool}` : `platform alert: from ${pool}`;
    return { route: { kind: 'deliver', pool, why }, explanation: { action: 'deliver', pool, rule: i.source, adjustments: [], why } };
  }
  const cls: VerdictClass = i.verdict?.class ?? 'clean';
  const scored = i.verdict ? { score: round(i.verdict.score), reasons: topReasons(i.verdict) } : {};
  const facts = {
    class: cls, ...scored,
    ...(i.senderDomain ? { senderDomain: i.senderDomain } : {}),
    ...(i.release ? { release: i.release } : {}),
  };
  const label = i.verdict ? `${cls} (score ${i.verdict.score.toFixed(3)})` : 'not scanned (counts as clean)';

  if (i.release?.forcePool) {
    const pool = i.release.forcePool;
    const why = `${label}; released by ${i.release.by} with forced pool ${pool}`;
    return { route: { kind: 'deliver', pool, why }, explanation: { action: 'deliver', pool, rule: 'forced', adjustments: [], ...facts, why } };
  }

  const override = i.overrides[cls];
  const chosen = override ?? i.defaults[cls];
  const rule = override ? 'tenant-policy' : 'default-policy';
  const row = `${cls} → ${formatAction(chosen)}`;
  const adjustments: string[] = [];
  let action: PolicyAction = chosen;
  if (action.action === 'deliver' && i.senderDomain && (i.senderDomain.status === 'no-mail' || i.senderDomain.status === 'null-mx')) {
    const what = i.senderDomain.status === 'null-mx' ? 'publishes a null MX' : 'has no MX and no A/AAAA record';
    if (action.pool !== i.noMailDomainPool) adjustments.push(`sender domain ${i.senderDomain.domain} ${what}: ${action.pool} → ${i.noMailDomainPool}`);
    action = { action: 'deliver', pool: i.noMailDomainPool };
  }
  const why = `${label}; ${rule === 'tenant-policy' ? 'tenant policy' : 'default policy'} ${row}${adjustments.length ? `; ${adjustments.join('; ')}` : ''}`;
  const explanation: RouteExplanation = {
    action: action.action, ...(action.action === 'deliver' ? { pool: action.pool } : {}), rule, row,
    tenantOverride: override ? formatAction(override) : null, adjustments, ...facts, why,
  };
  switch (action.action) {
    case 'deliver':
      return { route: { kind: 'deliver', pool: action.pool, why }, explanation };
    case 'quarantine':
      return { route: { kind: 'quarantine', why }, explanation };
    case 'reject':
      return { route: { kind: 'reject', reply: rejectReply(cls, i.verdict), why }, explanation };
    case 'drop':
      return { route: { kind: 'drop', why }, explanation };
  }
}

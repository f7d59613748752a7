/**
 * Turning evidence into a Verdict: model log-odds, rule hits, adapter terms and
 * bulk signals -> score, class and human-readable reasons.
 *
 * score = sigmoid(weights.model * modelLogit + sum(rule weights) + adapter terms)
 * class = spam    if score >= thresholds.spam
 *         suspect if score >= thresholds.suspect
 *         bulk    if below suspect and the bulk signals weigh >= thresholds.bulk
 *         clean   otherwise
 * Reasons: the model first, then every rule that fired (with its weight), the
 * adapters, then bulk signals (weight 0: they explain the class, not the score).
 */
import type { Verdict, VerdictClass, VerdictReason } from '../core/types.js';
import type { BulkSignal } from './bulk.js';
import { sigmoid } from './model.js';
import type { ResolvedOptions, RuleName } from './options.js';

export interface Evidence {
  readonly modelLogit: number;
  /** Human-readable model explanation (top features), may be ''. */
  readonly modelDetail: string;
  readonly hits: readonly { readonly rule: RuleName; readonly detail: string }[];
  /** Adapter and URI-blocklist terms, already weighted (weight 0 = informational). */
  readonly extra: readonly VerdictReason[];
  readonly bulk: readonly BulkSignal[];
  readonly fingerprint: string;
}

const round = (x: number, d = 4): number => Math.round(x * 10 ** d) / 10 ** d;

export function decide(ev: Evidence, opts: ResolvedOptions): Verdict {
  const reasons: VerdictReason[] = [];
  const modelTerm = opts.weights.model * ev.modelLogit;
  let z = modelTerm;
  if (opts.weights.model !== 0) {
    reasons.push({ rule: 'model', weight: round(modelTerm, 2), detail: `statistical model p(spam)=${sigmoid(ev.modelLogit).toFixed(3)}${ev.modelDetail ? '; ' + ev.modelDetail : ''}` });
  }
  for (const h of ev.hits) {
    const w = opts.weights[h.rule];
    if (w === 0) continue;
    z += w;
    reasons.push({ rule: h.rule, weight: w, detail: h.detail });
  }
  for (const r of ev.extra) {
    z += r.weight;
    reasons.push({ ...r, weight: round(r.weight, 2) });
  }
  const score = round(sigmoid(z));
  const t = opts.thresholds;
  let bulkWeight = 0;
  for (const b of ev.bulk) bulkWeight += b.weight;
  let cls: VerdictClass = 'clean';
  if (score >= t.spam) cls = 'spam';
  else if (score >= t.suspect) cls = 'suspect';
  else if (ev.bulk.length > 0 && bulkWeight >= t.bulk) cls = 'bulk';
  for (const b of ev.bulk) reasons.push({ rule: 'bulk-signal', weight: 0, detail: b.signal });
  return { score, class: cls, reasons, fingerprint: ev.fingerprint };
}

/** The verdict when scanning itself failed: mail is never blocked by a scanner fault. */
export function errorVerdict(detail: string): Verdict {
  return { score: 0, class: 'clean', reasons: [{ rule: 'scanner-error', weight: 0, detail }], fingerprint: '' };
}

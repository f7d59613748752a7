/**
 * What an external scanner (rspamd, SpamAssassin) tells us, normalised, and how
 * it is folded into our log-odds.
 *
 * rspamd: the action it would take maps to a signal in [-0.5, 1]
 *   (no action -0.5, greylist 0, add header / rewrite subject 0.5, reject 1).
 * spamd: s = score / required clamped to [0, 2], signal = s - 0.5, so "exactly
 *   at its spam threshold" is +0.5 and a clean 0 score is -0.5.
 * Either term is multiplied by its weight (options weights.rspamd /
 * weights.spamassassin). A failed adapter contributes nothing and is reported
 * with weight 0.
 */

export interface AdapterResult {
  readonly adapter: 'rspamd' | 'spamassassin';
  readonly ok: boolean;
  /** In [-0.5, 1.5] when ok. */
  readonly signal: number;
  readonly detail: string;
}

export function rspamdSignal(action: string): number {
  switch (action) {
    case 'reject':
      return 1;
    case 'add header':
    case 'rewrite subject':
    case 'soft reject':
      return 0.5;
    case 'greylist':
      return 0;
    default:
      return -0.5;
  }
}

export function spamdSignal(score: number, required: number): number {
  const s = required > 0 ? score / required : score / 5;
  return Math.min(2, Math.max(0, s)) - 0.5;
}

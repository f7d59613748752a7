/**
 * Accuracy figures for a scored, labelled set: spam recall at a given ham
 * false-positive rate, precision / recall / F1 and a confusion matrix at a
 * threshold. Used by the benchmark, the training command and the tests.
 *
 * Invariant: "recall at FPR f" picks the lowest threshold whose ham FPR is
 * <= f (ties count against us: a spam must score strictly above every ham that
 * is allowed to stay below).
 */

export interface Scored {
  readonly score: number;
  /** 1 spam, 0 ham. */
  readonly label: 0 | 1;
}

export interface AtFpr {
  readonly targetFpr: number;
  readonly threshold: number;
  readonly fpr: number;
  readonly recall: number;
}

export function recallAtFpr(items: readonly Scored[], targetFpr: number): AtFpr {
  const hams = items.filter((i) => i.label === 0).map((i) => i.score).sort((a, b) => b - a);
  const spams = items.filter((i) => i.label === 1).map((i) => i.score);
  const allowed = Math.floor(targetFpr * hams.length);
  // Threshold: spam must score > hams[allowed] (the highest ham that must stay below).
  const threshold = hams.length === 0 ? 0 : hams[Math.min(allowed, hams.length - 1)]!;
  const fp = hams.filter((s) => s > threshold).length;
  const tp = spams.filter((s) => s > threshold).length;
  return { targetFpr, threshold, fpr: hams.length ? fp / hams.length : 0, recall: spams.length ? tp / spams.length : 0 };
}

export interface Confusion {
  readonly threshold: number;
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly fpr: number;
}

export function confusionAt(items: readonly Scored[], threshold: number): Confusion {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (const i of items) {
    const pos = i.score >= threshold;
    if (i.label === 1) pos ? tp++ : fn++;
    else pos ? fp++ : tn++;
  }
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { threshold, tp, fp, tn, fn, precision, recall, f1, fpr: fp + tn ? fp / (fp + tn) : 0 };
}

/** Best F1 over all thresholds (reported alongside the shipped-threshold F1). */
export function bestF1(items: readonly Scored[]): Confusion {
  const thresholds = [...new Set(items.map((i) => i.score))].sort((a, b) => a - b);
  let best = confusionAt(items, 1.01);
  const step = Math.max(1, Math.floor(thresholds.length / 2000));
  for (let k = 0; k < thresholds.length; k += step) {
    const c = confusionAt(items, thresholds[k]!);
    if (c.f1 > best.f1) best = c;
  }
  return best;
}

/**
 * Stratified fold assignment for k-fold cross-validation: each class's items
 * are shuffled with `rnd` and dealt round-robin into `k` folds, so every fold
 * has the same class balance. Returns the fold of each item.
 */
export function stratifiedFolds(labels: readonly number[], k: number, rnd: () => number): number[] {
  const fold = new Array<number>(labels.length);
  for (const label of [...new Set(labels)].sort((a, b) => a - b)) {
    const idx = labels.map((l, i) => (l === label ? i : -1)).filter((i) => i >= 0);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    idx.forEach((item, n) => (fold[item] = n % k));
  }
  return fold;
}

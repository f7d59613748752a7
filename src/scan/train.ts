/**
 * Logistic-regression training over hashed sparse vectors (AdaGrad SGD with
 * L2 regularisation, deterministic seeded shuffling). The model is the average
 * of the weights of `shuffles` such runs over different shuffles (seeds
 * seed*1000+1 .. seed*1000+shuffles): one linear model, so scanning costs the
 * same, but the false-positive tail moves far less with the shuffle
 * (docs/scanner.md, 2026-11-28 second round).
 *
 * Invariants: the same vectors, labels and options give the same model bit for
 * bit, so the shipped model is reproducible (`npm run train`).
 * Limits: in-memory, single-threaded; fine for corpora of tens of thousands of
 * messages.
 */
import type { SparseVector } from './features.js';
import { FEATURE_VERSION } from './features.js';
import type { LinearModel, ModelMeta } from './model.js';
import { sigmoid } from './model.js';

export interface TrainOptions {
  readonly bits: number;
  readonly epochs: number;
  readonly learningRate: number;
  readonly l2: number;
  /** Loss weight of a ham example relative to spam (>1 penalises false positives). */
  readonly hamWeight: number;
  readonly seed: number;
  /** Runs (training shuffles) whose weights are averaged; 1 = a single run with `seed` itself. */
  readonly shuffles: number;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = { bits: 20, epochs: 12, learningRate: 0.5, l2: 1e-6, hamWeight: 2, seed: 1, shuffles: 3 };

export interface Example {
  readonly vec: SparseVector;
  /** 1 spam, 0 ham. */
  readonly label: 0 | 1;
}

/** Small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The shipped model: the average of the weights of `shuffles` training runs
 * that differ only in their shuffle seed. `onEpoch(done, total)` after each
 * epoch of each run (the CLI's progress; does not change the result).
 */
export function trainModel(examples: readonly Example[], opts: TrainOptions, trainedOn: string, onEpoch?: (done: number, total: number) => void): LinearModel {
  const k = opts.shuffles;
  if (!Number.isInteger(k) || k < 1) throw new RangeError('shuffles must be a positive integer');
  const total = k * opts.epochs;
  if (k === 1) return trainOnce(examples, opts, trainedOn, onEpoch && ((d) => onEpoch(d, total)));
  const runs = Array.from({ length: k }, (_, j) =>
    trainOnce(examples, { ...opts, seed: opts.seed * 1000 + j + 1 }, trainedOn, onEpoch && ((d) => onEpoch(j * opts.epochs + d, total))),
  );
  const w = new Float32Array(runs[0]!.weights.length);
  let bias = 0;
  for (const m of runs) {
    bias += m.bias / k;
    for (let i = 0; i < w.length; i++) w[i]! += m.weights[i]! / k;
  }
  return { ...runs[0]!, weights: w, bias, meta: { ...runs[0]!.meta, shuffles: k } };
}

function trainOnce(examples: readonly Example[], opts: TrainOptions, trainedOn: string, onEpoch?: (done: number) => void): LinearModel {
  const size = 1 << opts.bits;
  const w = new Float32Array(size);
  const g2 = new Float32Array(size);
  let bias = 0;
  let bg2 = 0;
  const order = examples.map((_, i) => i);
  const rnd = prng(opts.seed);
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    for (const k of order) {
      const ex = examples[k]!;
      const { idx, val } = ex.vec;
      let z = bias;
      for (let i = 0; i < idx.length; i++) z += w[idx[i]!]! * val[i]!;
      const weight = ex.label === 1 ? 1 : opts.hamWeight;
      const g = (sigmoid(z) - ex.label) * weight;
      for (let i = 0; i < idx.length; i++) {
        const f = idx[i]!;
        const gi = g * val[i]! + opts.l2 * w[f]!;
        g2[f]! += gi * gi;
        w[f]! -= (opts.learningRate * gi) / (Math.sqrt(g2[f]!) + 1e-8);
      }
      bg2 += g * g;
      bias -= (opts.learningRate * g) / (Math.sqrt(bg2) + 1e-8);
    }
    onEpoch?.(epoch + 1);
  }
  let spam = 0;
  for (const e of examples) spam += e.label;
  const meta: ModelMeta = {
    trainedOn,
    messages: examples.length,
    spam,
    ham: examples.length - spam,
    epochs: opts.epochs,
    l2: opts.l2,
    createdBy: 'outpost scan train',
  };
  return { bits: opts.bits, featureVersion: FEATURE_VERSION, bias, weights: w, meta };
}

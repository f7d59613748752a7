/**
 * Logistic-regression training over hashed sparse vectors (AdaGrad SGD with
 * L2 regularisation, deterministic seeded shuffling).
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
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = { bits: 20, epochs: 12, learningRate: 0.5, l2: 1e-6, hamWeight: 2, seed: 1 };

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

/** `onEpoch(done, total)` after each epoch (the CLI's progress; does not change the result). */
export function trainModel(examples: readonly Example[], opts: TrainOptions, trainedOn: string, onEpoch?: (done: number, total: number) => void): LinearModel {
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
    onEpoch?.(epoch + 1, opts.epochs);
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

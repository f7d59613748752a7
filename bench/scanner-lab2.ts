/**
 * Development harness (not shipped figures): like scanner-lab.ts but runs
 * training variants over several fold partitions and shuffle seeds.
 *   node dist/bench/scanner-lab2.js --variants base,avg:3 --parts 20240501,7,11 --seeds 1,2,3
 * Variants: base (one run), avg:K (K runs averaged), default (trainModel's
 * defaults), opt:{json} (one run with other options).
 */
import { prepareCorpus } from './lib/scanner-corpus.js';
import { loadStdlibCorpus } from '../src/scan/corpus.js';
import { recallAtFpr, stratifiedFolds } from '../src/scan/evaluate.js';
import { logit, sigmoid } from '../src/scan/model.js';
import type { LinearModel } from '../src/scan/model.js';
import { DEFAULT_TRAIN_OPTIONS, prng, trainModel } from '../src/scan/train.js';
import type { Example, TrainOptions } from '../src/scan/train.js';
import { SHORT_MESSAGE_MAX_LOGIT } from '../src/scan/short-message.js';

const arg = (name: string, d: string): string => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : d;
};
const seeds = arg('--seeds', '1,2,3').split(',').map(Number);
const parts = arg('--parts', '20240501,7,11').split(',').map(Number);
const variants = arg('--variants', 'base').split(',');
const pct = (x: number): string => (x * 100).toFixed(2);

export function trainVariant(ex: readonly Example[], variant: string, seed: number, o: TrainOptions = DEFAULT_TRAIN_OPTIONS): LinearModel {
  const [kind, a, b] = variant.split(':');
  // 'base' is one training run; 'avg:K' averages K runs (what trainModel does with shuffles K).
  if (kind === 'base') return trainModel(ex, { ...o, seed, shuffles: 1 }, 'lab');
  if (kind === 'default') return trainModel(ex, { ...o, seed }, 'lab');
  if (kind === 'opt') return trainModel(ex, { ...o, shuffles: 1, ...(JSON.parse(a!) as Partial<TrainOptions>), seed }, 'lab');
  if (kind === 'avg') {
    const k = Number(a);
    const inner = b ?? 'base';
    const ms = Array.from({ length: k }, (_, j) => trainVariant(ex, inner, seed * 1000 + j + 1, o));
    const w = new Float32Array(ms[0]!.weights.length);
    let bias = 0;
    for (const m of ms) {
      bias += m.bias / k;
      for (let i = 0; i < w.length; i++) w[i]! += m.weights[i]! / k;
    }
    return { ...ms[0]!, weights: w, bias };
  }
  throw new Error('unknown variant ' + variant);
}

const corpus = loadStdlibCorpus();
const { examples, ruleSum, guarded } = prepareCorpus(corpus, { bits: DEFAULT_TRAIN_OPTIONS.bits, guard: true });
const cap = (v: number, i: number): number => (guarded[i] ? Math.min(v, SHORT_MESSAGE_MAX_LOGIT) : v);
for (const variant of variants) {
  const out: string[] = [];
  let total = 0;
  let n = 0;
  let min = 1;
  for (const p of parts) {
    const fold = stratifiedFolds(corpus.map((m) => m.label), 5, prng(p));
    const rs: string[] = [];
    for (const seed of seeds) {
      const z = new Array<number>(corpus.length).fill(0);
      for (let k = 0; k < 5; k++) {
        const model = trainVariant(examples.filter((_, i) => fold[i] !== k), variant, seed);
        for (let i = 0; i < corpus.length; i++) if (fold[i] === k) z[i] = cap(logit(model, examples[i]!.vec), i);
      }
      const r = recallAtFpr(z.map((v, i) => ({ score: sigmoid(v + ruleSum[i]!), label: corpus[i]!.label })), 0.001).recall;
      total += r;
      n++;
      if (p === parts[0]) min = Math.min(min, r);
      rs.push(pct(r));
    }
    out.push(`p${p}: ${rs.join('/')}`);
  }
  const old = new Set(['easy-ham-1', 'hard-ham-1', 'spam-1']);
  const model = trainVariant(examples.filter((_, i) => old.has(corpus[i]!.group)), variant, 1);
  const test = corpus.map((_, i) => i).filter((i) => !old.has(corpus[i]!.group));
  const ts = recallAtFpr(test.map((i) => ({ score: sigmoid(cap(logit(model, examples[i]!.vec), i) + ruleSum[i]!), label: corpus[i]!.label })), 0.01).recall;
  console.log(`${variant.padEnd(28)} ${out.join(' | ')} | mean ${pct(total / n)} | ts@1% ${pct(ts)}`);
}

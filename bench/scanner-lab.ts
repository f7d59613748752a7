/**
 * Development harness for the scanner model (not a benchmark): 5-fold CV of
 * model-alone and model+rules scores with precomputed views and rule sums, for
 * trying feature and training variants quickly. Usage:
 *   node dist/bench/scanner-lab.js [--seeds 1,2,3] [--folds-seed N] [--dump]
 */
import { prepareCorpus } from './lib/scanner-corpus.js';
import { loadStdlibCorpus } from '../src/scan/corpus.js';
import { recallAtFpr, stratifiedFolds } from '../src/scan/evaluate.js';
import type { Scored } from '../src/scan/evaluate.js';
import { logit, sigmoid } from '../src/scan/model.js';
import { DEFAULT_TRAIN_OPTIONS, prng, trainModel } from '../src/scan/train.js';
import type { TrainOptions } from '../src/scan/train.js';
import { SHORT_MESSAGE_MAX_LOGIT } from '../src/scan/short-message.js';

const arg = (name: string, d: string): string => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : d;
};
const seeds = arg('--seeds', '1,2,3').split(',').map(Number);
const foldSeed = Number(arg('--folds-seed', '20240501'));
const dump = process.argv.includes('--dump');
const topts: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, ...(JSON.parse(arg('--train', '{}')) as Partial<TrainOptions>) };
const pct = (x: number): string => (x * 100).toFixed(2);

const corpus = loadStdlibCorpus();
const t0 = performance.now();
const useGuard = process.argv.includes('--guard');
const { examples, ruleSum, subjects, guarded } = prepareCorpus(corpus, { bits: topts.bits, guard: useGuard });
const ext = (performance.now() - t0) / 1000;
const fold = stratifiedFolds(corpus.map((m) => m.label), 5, prng(foldSeed));
const line: string[] = [];
if (useGuard) line.push(`guarded: ${guarded.filter((g, i) => g && corpus[i]!.label === 1).length} spam, ${guarded.filter((g, i) => g && corpus[i]!.label === 0).length} ham`);
const cap = (v: number, i: number): number => (guarded[i] ? Math.min(v, SHORT_MESSAGE_MAX_LOGIT) : v);
const sums = { full: 0, model: 0, f1: 0 };
for (const seed of seeds) {
  const z = new Array<number>(corpus.length).fill(0);
  for (let k = 0; k < 5; k++) {
    const model = trainModel(examples.filter((_, i) => fold[i] !== k), { ...topts, seed }, 'lab');
    for (let i = 0; i < corpus.length; i++) if (fold[i] === k) z[i] = cap(logit(model, examples[i]!.vec), i);
  }
  const full: Scored[] = z.map((v, i) => ({ score: sigmoid(v + ruleSum[i]!), label: corpus[i]!.label }));
  const mod: Scored[] = z.map((v, i) => ({ score: sigmoid(v), label: corpus[i]!.label }));
  const rf = recallAtFpr(full, 0.001).recall;
  const rm = recallAtFpr(mod, 0.001).recall;
  const r1 = recallAtFpr(full, 0.01).recall;
  sums.full += rf;
  sums.model += rm;
  sums.f1 += r1;
  line.push(`s${seed} ${pct(rf)}/${pct(rm)}/${pct(r1)}`);
  if (dump) {
    const order = z.map((v, i) => i).filter((i) => corpus[i]!.label === 0).sort((a, b) => z[b]! + ruleSum[b]! - z[a]! - ruleSum[a]!);
    for (const i of order.slice(0, 8)) console.log(`  ham ${(z[i]! + ruleSum[i]!).toFixed(2)} (m ${z[i]!.toFixed(2)} r ${ruleSum[i]}) ${corpus[i]!.group}/${corpus[i]!.name.slice(0, 12)} ${subjects[i]}`);
    const thr = z[order[4]!]! + ruleSum[order[4]!]!;
    const missed = z.map((v, i) => i).filter((i) => corpus[i]!.label === 1 && z[i]! + ruleSum[i]! <= thr).sort((a, b) => z[a]! + ruleSum[a]! - z[b]! - ruleSum[b]!);
    for (const i of missed.slice(0, 80)) console.log(`  spam ${(z[i]! + ruleSum[i]!).toFixed(2)} (m ${z[i]!.toFixed(2)} r ${ruleSum[i]}) ${corpus[i]!.group}/${corpus[i]!.name.slice(0, 12)} ${subjects[i]}`);
  }
}
{
  const old = new Set(['easy-ham-1', 'hard-ham-1', 'spam-1']);
  const model = trainModel(examples.filter((_, i) => old.has(corpus[i]!.group)), topts, 'lab ts');
  const test = corpus.map((_, i) => i).filter((i) => !old.has(corpus[i]!.group));
  const full = test.map((i) => ({ score: sigmoid(cap(logit(model, examples[i]!.vec), i) + ruleSum[i]!), label: corpus[i]!.label }));
  const mod = test.map((i) => ({ score: sigmoid(logit(model, examples[i]!.vec)), label: corpus[i]!.label }));
  line.push(`time split @1% ${pct(recallAtFpr(full, 0.01).recall)}/${pct(recallAtFpr(mod, 0.01).recall)}`);
}
const n = seeds.length;
console.log(`${process.env['LAB_TAG'] ?? ''} full/model/full@1%: ${line.join(' | ')} | mean ${pct(sums.full / n)}/${pct(sums.model / n)}/${pct(sums.f1 / n)} (extract ${ext.toFixed(1)}s)`);

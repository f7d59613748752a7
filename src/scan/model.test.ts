import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeModel, encodeModel, logit, ModelError } from './model.js';
import { FEATURE_VERSION } from './features.js';
import { loadModel } from './model-file.js';

test('encode/decode round trip keeps weights within quantisation error', () => {
  const weights = new Float32Array(1 << 12);
  weights[5] = 1.5;
  weights[77] = -3.25;
  weights[4095] = 0.001;
  const m = { bits: 12, featureVersion: FEATURE_VERSION, bias: -0.5, weights, meta: { trainedOn: 't', messages: 1, spam: 1, ham: 0, epochs: 1, l2: 0, createdBy: 'test' } };
  const back = decodeModel(encodeModel(m));
  assert.equal(back.bias, -0.5);
  assert.ok(Math.abs(back.weights[77]! + 3.25) < 1e-3);
  assert.ok(Math.abs(back.weights[5]! - 1.5) < 1e-3);
  const v = { idx: Uint32Array.from([5, 77]), val: Float32Array.from([1, 1]) };
  assert.ok(Math.abs(logit(back, v) - (-0.5 + 1.5 - 3.25)) < 1e-3);
});

test('a model for another feature version, or garbage, is refused', () => {
  const m = { bits: 12, featureVersion: FEATURE_VERSION + 1, bias: 0, weights: new Float32Array(1 << 12), meta: { trainedOn: 't', messages: 0, spam: 0, ham: 0, epochs: 1, l2: 0, createdBy: 'test' } };
  assert.throws(() => decodeModel(encodeModel(m)), ModelError);
  assert.throws(() => decodeModel(Buffer.from('not a model')), ModelError);
  assert.throws(() => loadModel('/nonexistent/model.bin'), ModelError);
});

test('the shipped model is found from the compiled location and is current', () => {
  const m = loadModel();
  assert.equal(m.featureVersion, FEATURE_VERSION);
  assert.equal(m.meta.messages, 6046);
});

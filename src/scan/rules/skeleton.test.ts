import { test } from 'node:test';
import assert from 'node:assert/strict';
import { editDistance, skeleton } from './skeleton.js';

test('skeleton folds confusables and punycode', () => {
  assert.equal(skeleton('xn--pypal-4ve'), 'paypal');
  assert.equal(skeleton('PAYPA1'), 'paypal');
  assert.equal(skeleton('rnicrosoft'), 'microsoft');
  assert.equal(editDistance('amazom', 'amazon', 1), 1);
  assert.equal(editDistance('example', 'amazon', 1), 2);
});

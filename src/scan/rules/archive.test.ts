import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isZip, peekZip } from './archive.js';
import { zipWith } from '../testing.js';

test('peekZip lists entry names and the encryption flag, and survives truncation', () => {
  const z = zipWith(['a.txt', 'b/c.exe'], true);
  assert.equal(isZip(z), true);
  assert.deepEqual(peekZip(z), { names: ['a.txt', 'b/c.exe'], encrypted: true });
  assert.doesNotThrow(() => peekZip(z.subarray(0, 40)));
  assert.equal(isZip(Buffer.from('%PDF')), false);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { sealKey, openKey, isSealed, parseMasterKey } from './key-seal.js';
import { SignError } from './errors.js';

const master = randomBytes(32);
const pem = '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIExampleExampleExampleExampleExam\n-----END PRIVATE KEY-----\n';

test('seal/open round trip; ciphertext hides the key and differs each time', () => {
  const a = sealKey(pem, master, 'dkim:example.com:s1');
  const b = sealKey(pem, master, 'dkim:example.com:s1');
  assert.ok(isSealed(a) && a !== b);
  assert.ok(!a.includes('PRIVATE') && !a.includes('Example'));
  assert.equal(openKey(a, master, 'dkim:example.com:s1'), pem);
  assert.equal(openKey(a, master.toString('hex'), 'dkim:example.com:s1'), pem);
  assert.equal(openKey(a, master.toString('base64'), 'dkim:example.com:s1'), pem);
});

test('wrong master key, wrong context or a flipped byte do not open', () => {
  const s = sealKey(pem, master, 'ctx');
  const isSealErr = (e: unknown): boolean => e instanceof SignError && e.code === 'sealed-key';
  assert.throws(() => openKey(s, randomBytes(32), 'ctx'), isSealErr);
  assert.throws(() => openKey(s, master, 'other'), isSealErr);
  const raw = Buffer.from(s.slice('outpost-sealed:v1:'.length), 'base64');
  raw[raw.length - 1]! ^= 1;
  assert.throws(() => openKey('outpost-sealed:v1:' + raw.toString('base64'), master, 'ctx'), isSealErr);
  assert.throws(() => openKey('outpost-sealed:v1:AAAA', master, 'ctx'), isSealErr);
  assert.throws(() => openKey(pem, master), isSealErr);
});

test('master keys must be exactly 32 bytes', () => {
  assert.throws(() => parseMasterKey(randomBytes(16)), SignError);
  assert.throws(() => parseMasterKey('abcd'), SignError);
  assert.equal(parseMasterKey('00'.repeat(32)).length, 32);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createVerp, VerpError } from './verp.js';
import { base32Decode, base32Encode } from './base32.js';
import { newMessageId } from '../core/ids.js';

const secret = 'a-test-secret-of-enough-length!!';
const verp = createVerp({ secret, bounceDomain: 'Bounce.Outpost.Example' });
const ref = { messageId: newMessageId(Date.UTC(2026, 0, 2)), rcptIndex: 37, tenantId: 'acme-42' };

test('encode produces a short, lower-case, RFC 5321-sized address that decodes back', () => {
  const a = verp.encode(ref);
  assert.match(a, /^bounces\+[0-9a-z-]+@bounce\.outpost\.example$/);
  assert.ok(a.split('@')[0]!.length <= 64, a);
  assert.deepEqual(verp.decode(a), ref);
  assert.equal(verp.isVerpAddress(a), true);
});

test('survives case folding and angle brackets', () => {
  const a = verp.encode(ref);
  assert.deepEqual(verp.decode(a.toUpperCase()), ref);
  assert.deepEqual(verp.decode(`<${a}>`), ref);
});

test('rejects forged and modified tokens', () => {
  const a = verp.encode(ref);
  const [local, domain] = a.split('@') as [string, string];
  const token = local.slice('bounces+'.length);
  const [mid, idx, tenant, tag] = token.split('-') as [string, string, string, string];
  // Someone else's index with the same MAC.
  assert.equal(verp.decode(`bounces+${mid}-${idx === '1' ? '2' : '1'}-${tenant}-${tag}@${domain}`), null);
  // Another tenant.
  assert.equal(verp.decode(`bounces+${mid}-${idx}-${base32Encode(Buffer.from('evil'))}-${tag}@${domain}`), null);
  // One flipped MAC character.
  const flipped = tag.slice(0, 5) + (tag[5] === 'a' ? 'b' : 'a') + tag.slice(6);
  assert.equal(verp.decode(`bounces+${mid}-${idx}-${tenant}-${flipped}@${domain}`), null);
  // Same token minted with another secret.
  const other = createVerp({ secret: 'another-secret-of-enough-length', bounceDomain: 'bounce.outpost.example' });
  assert.equal(verp.decode(other.encode(ref)), null);
  // Wrong domain, wrong local part, garbage.
  assert.equal(verp.decode(a.replace('@bounce.outpost.example', '@evil.example')), null);
  assert.equal(verp.decode(a.replace('bounces+', 'returns+')), null);
  assert.equal(verp.decode('bounces+zzzz@bounce.outpost.example'), null);
  assert.equal(verp.decode(''), null);
  assert.equal(verp.decode('bounces+@bounce.outpost.example'), null);
});

test('previous secrets still decode after rotation; encode uses the new one', () => {
  const old = createVerp({ secret, bounceDomain: 'bounce.outpost.example' });
  const rotated = createVerp({ secret: 'the-new-secret-after-rotation!!!', previousSecrets: [secret], bounceDomain: 'bounce.outpost.example' });
  assert.deepEqual(rotated.decode(old.encode(ref)), ref);
  assert.equal(old.decode(rotated.encode(ref)), null);
});

test('rejects bad input at encode time', () => {
  assert.throws(() => verp.encode({ ...ref, messageId: 'not-an-id' }), VerpError);
  assert.throws(() => verp.encode({ ...ref, rcptIndex: -1 }), VerpError);
  assert.throws(() => verp.encode({ ...ref, tenantId: 'a-tenant-id-that-is-far-too-long' }), VerpError);
  assert.throws(() => createVerp({ secret: 'short', bounceDomain: 'x.example' }), VerpError);
});

test('base32 round-trips and rejects second spellings', () => {
  for (const len of [0, 1, 2, 3, 4, 5, 8, 13]) {
    const b = Buffer.from(Array.from({ length: len }, (_, i) => (i * 37 + 11) & 255));
    assert.deepEqual(base32Decode(base32Encode(b)), b);
  }
  assert.equal(base32Decode('01'), null); // non-zero padding bits
  assert.equal(base32Decode('ab!'), null);
  assert.equal(base32Decode('abc'), null); // length no byte string encodes to
});

test('a whole-message token (no recipient index) round-trips and is distinct from index 0', () => {
  const whole = { messageId: ref.messageId, tenantId: ref.tenantId };
  const a = verp.encode(whole);
  assert.deepEqual(verp.decode(a), whole);
  const zero = verp.encode({ ...whole, rcptIndex: 0 });
  assert.notEqual(a, zero);
  // Moving the MAC of the whole-message token onto an index-0 token fails.
  const [wl] = a.split('@') as [string];
  const [zl, zd] = zero.split('@') as [string, string];
  assert.equal(verp.decode(`${zl.slice(0, zl.lastIndexOf('-'))}${wl.slice(wl.lastIndexOf('-'))}@${zd}`), null);
  const token = verp.tokenOf(a)!;
  assert.deepEqual(verp.decodeToken(token), whole);
  assert.equal(verp.decodeToken(`${token}x`), null);
  assert.equal(verp.decodeToken('not a token'), null);
});

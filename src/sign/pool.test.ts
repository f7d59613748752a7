import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../core/clock.js';
import { generateDkimKey, type DkimKeyPair } from './dkim-key.js';
import { SignError } from './errors.js';
import { createSignerPool, type SignerPool } from './pool.js';
import { createSigner, type Signer } from './signer.js';
import { formatFeedbackId } from './tenant-headers.js';

const clock = new FakeClock(Date.UTC(2026, 2, 1, 12));
const feedbackId = formatFeedbackId({ campaign: 'c1', tenantId: 'acme', mailType: 'mail', senderId: 'outpost1' });
const raw = Buffer.from('From: a@acme.example\r\nTo: b@rcpt.example\r\nSubject: hi\r\nFeedback-ID: forged:x:y:z\r\n\r\nbody  text \r\n', 'latin1');
let platform: DkimKeyPair;
let rsa: DkimKeyPair;
let ed: DkimKeyPair;
let pool: SignerPool;
let local: Signer;

before(async () => {
  [platform, rsa, ed] = await Promise.all([generateDkimKey('rsa2048'), generateDkimKey('rsa2048'), generateDkimKey('ed25519')]);
  const p = { domain: 'outpost.example', selector: 'p1', privateKeyPem: platform.privateKeyPem };
  pool = createSignerPool({ platform: p, clock, threads: 2 });
  local = createSigner({ platform: p, clock });
});
after(() => pool.close());

test('the pool signs exactly as the in-process signer does (RSA and Ed25519 tenant keys, client Feedback-ID stripped)', async () => {
  for (const key of [rsa, ed]) {
    const req = { raw, tenant: { id: 'acme', domain: 'acme.example', selector: 's1', privateKeyPem: key.privateKeyPem }, feedbackId };
    const [a, b] = await Promise.all([pool.sign(req), local.sign(req)]);
    assert.ok(Buffer.isBuffer(a.headerPrefix) && Buffer.isBuffer(a.strippedRaw));
    assert.equal(a.headerPrefix.toString('latin1'), b.headerPrefix.toString('latin1'));
    assert.deepEqual(a.strippedRaw, b.strippedRaw);
    assert.deepEqual(a.signatures, b.signatures);
    assert.equal(a.tenantAligned, true);
  }
});

test('many concurrent requests each get their own answer', async () => {
  const reqs = Array.from({ length: 40 }, (_, i) => ({ raw: Buffer.from(`From: a@acme.example\r\nSubject: n${i}\r\n\r\nbody ${i}\r\n`), tenant: { id: 'acme' }, feedbackId }));
  const [viaPool, viaLocal] = await Promise.all([Promise.all(reqs.map((r) => pool.sign(r))), Promise.all(reqs.map((r) => local.sign(r)))]);
  viaPool.forEach((r, i) => assert.equal(r.headerPrefix.toString(), viaLocal[i]!.headerPrefix.toString()));
});

test('SignError keeps its code across the thread; a bad platform key fails at creation', async () => {
  await assert.rejects(
    pool.sign({ raw, tenant: { id: 'acme', domain: 'acme.example', selector: 's1', privateKeyPem: 'not a key' }, feedbackId }),
    (e: unknown) => e instanceof SignError && e.code === 'bad-key',
  );
  assert.throws(() => createSignerPool({ platform: { domain: 'outpost.example', selector: 'p1', privateKeyPem: 'junk' }, threads: 1 }), (e: unknown) => e instanceof SignError && e.code === 'bad-key');
});

test('after close every request is refused, none hangs', async () => {
  const p = createSignerPool({ platform: { domain: 'outpost.example', selector: 'p1', privateKeyPem: platform.privateKeyPem }, threads: 1 });
  const inFlight = p.sign({ raw, tenant: { id: 'acme' }, feedbackId }).then(() => 'signed', () => 'refused');
  await p.close();
  assert.ok(['signed', 'refused'].includes(await inFlight));
  await assert.rejects(p.sign({ raw, tenant: { id: 'acme' }, feedbackId }), /closed/);
});

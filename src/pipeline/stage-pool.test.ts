import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../core/clock.js';
import { ScannerConfigError } from '../scan/options.js';
import { createScanner } from '../scan/scanner.js';
import { basicMail, TEST_NOW } from '../scan/testing.js';
import { generateDkimKey, type DkimKeyPair } from '../sign/dkim-key.js';
import { SignError } from '../sign/errors.js';
import { createSigner } from '../sign/signer.js';
import { formatFeedbackId } from '../sign/tenant-headers.js';
import { createStagePool, type StagePool } from './stage-pool.js';

const clock = new FakeClock(Date.UTC(2026, 2, 1, 12));
const ctx = { recipientCount: 1, mailFrom: 'a@tenant.example', receivedAt: TEST_NOW };
const feedbackId = formatFeedbackId({ campaign: 'c1', tenantId: 'acme', mailType: 'mail', senderId: 'outpost1' });
const weights = { 'date-missing': 2 };
let platform: DkimKeyPair;
let tenant: DkimKeyPair;
let pool: StagePool;

before(async () => {
  [platform, tenant] = await Promise.all([generateDkimKey('rsa2048'), generateDkimKey('ed25519')]);
  pool = createStagePool({ threads: 2, clock, scanner: { weights }, signer: { platform: { domain: 'outpost.example', selector: 'p1', privateKeyPem: platform.privateKeyPem } } });
});
after(() => pool.close());

test('scan then sign: the verdict the scanner gives, and the signature the signer makes, except after a skipped class', async () => {
  const local = createScanner({ weights });
  const signer = createSigner({ platform: { domain: 'outpost.example', selector: 'p1', privateKeyPem: platform.privateKeyPem }, clock });
  const msgs = [basicMail(), basicMail({ Date: undefined }), basicMail({ Subject: 'FREE MONEY!!!' }, 'Click here http://10.1.2.3/ now!!!')];
  const params = { tenant: { id: 'acme', domain: 'tenant.example', selector: 't1', privateKeyPem: tenant.privateKeyPem }, feedbackId };
  const classes = new Set<string>();
  for (const raw of msgs) {
    const expected = await local.scan(raw, ctx);
    classes.add(expected.class);
    const r = await pool.scanThenSign(raw, ctx, params, ['spam']);
    assert.deepEqual(r.verdict, expected);
    if (expected.class === 'spam') {
      assert.equal(r.signed, null, 'a spam verdict is not signed ahead');
      continue;
    }
    const want = await signer.sign({ raw, ...params });
    assert.ok(r.signed && Buffer.isBuffer(r.signed.headerPrefix));
    assert.equal(r.signed.headerPrefix.toString('latin1'), want.headerPrefix.toString('latin1'));
    assert.deepEqual(r.signed.signatures, want.signatures);
  }
  assert.ok(classes.has('spam') && classes.size > 1, `the messages cover spam and another class (${[...classes].join(', ')})`);
});

test('a failed signature beside a scan is null with the verdict kept; signing alone fails with the SignError', async () => {
  const params = { tenant: { id: 'acme', domain: 'tenant.example', selector: 't1', privateKeyPem: 'not a key' }, feedbackId };
  const r = await pool.scanThenSign(basicMail(), ctx, params, []);
  assert.equal(r.signed, null);
  assert.equal(r.verdict.class, 'clean');
  await assert.rejects(pool.signer!.sign({ raw: basicMail(), ...params }), (e: unknown) => e instanceof SignError && e.code === 'bad-key');
});

test('scan alone and sign alone answer like the single-purpose pools', async () => {
  const raw = basicMail({ Date: undefined });
  assert.deepEqual(await pool.scanner!.scan(raw, ctx), await createScanner({ weights }).scan(raw, ctx));
  const s = await pool.signer!.sign({ raw: basicMail(), tenant: { id: 'acme' }, feedbackId });
  assert.deepEqual(s.signatures.map((x) => x.role), ['platform']);
  assert.match(s.headerPrefix.toString('latin1'), /^DKIM-Signature: v=1; a=rsa-sha256;[^]*Feedback-ID: c1:acme:mail:outpost1\r\n$/);
});

test('options are checked in the calling thread, and a pool that only scans cannot sign ahead', async () => {
  assert.throws(() => createStagePool({ threads: 0, scanner: {} }), /threads/);
  assert.throws(() => createStagePool({ threads: 1 }), /scanner or signer/);
  assert.throws(() => createStagePool({ threads: 1, scanner: { thresholds: { suspect: 2, spam: 3 } } }), ScannerConfigError);
  assert.throws(() => createStagePool({ threads: 1, signer: { platform: { domain: 'outpost.example', selector: 'p1', privateKeyPem: 'junk' } } }), (e: unknown) => e instanceof SignError);
  const scanOnly = createStagePool({ threads: 1, scanner: {} });
  try {
    assert.equal(scanOnly.signer, undefined);
    await assert.rejects(scanOnly.scanThenSign(basicMail(), ctx, { tenant: { id: 'acme' }, feedbackId }, []), /scans and signs/);
  } finally {
    await scanOnly.close();
  }
});

test('signing alone: exactly what the in-process signer makes (RSA and Ed25519 tenant keys, client Feedback-ID stripped), each concurrent request its own answer', async () => {
  const signer = createSigner({ platform: { domain: 'outpost.example', selector: 'p1', privateKeyPem: platform.privateKeyPem }, clock });
  const raw = Buffer.from('From: a@acme.example\r\nTo: b@rcpt.example\r\nSubject: hi\r\nFeedback-ID: forged:x:y:z\r\n\r\nbody  text \r\n', 'latin1');
  const rsa = await generateDkimKey('rsa2048');
  for (const key of [rsa, tenant]) {
    const req = { raw, tenant: { id: 'acme', domain: 'acme.example', selector: 's1', privateKeyPem: key.privateKeyPem }, feedbackId };
    const [a, b] = await Promise.all([pool.signer!.sign(req), signer.sign(req)]);
    assert.ok(Buffer.isBuffer(a.headerPrefix) && Buffer.isBuffer(a.strippedRaw));
    assert.equal(a.headerPrefix.toString('latin1'), b.headerPrefix.toString('latin1'));
    assert.deepEqual(a.strippedRaw, b.strippedRaw);
    assert.deepEqual(a.signatures, b.signatures);
    assert.equal(a.tenantAligned, true);
  }
  const reqs = Array.from({ length: 40 }, (_, i) => ({ raw: Buffer.from(`From: a@acme.example\r\nSubject: n${i}\r\n\r\nbody ${i}\r\n`), tenant: { id: 'acme' }, feedbackId }));
  const [viaPool, viaLocal] = await Promise.all([Promise.all(reqs.map((r) => pool.signer!.sign(r))), Promise.all(reqs.map((r) => signer.sign(r)))]);
  viaPool.forEach((r, i) => assert.equal(r.headerPrefix.toString(), viaLocal[i]!.headerPrefix.toString()));
});

test('after close: scans give a scanner-error verdict, signatures are refused, none hangs', async () => {
  const p = createStagePool({ threads: 1, scanner: {}, signer: { platform: { domain: 'outpost.example', selector: 'p1', privateKeyPem: platform.privateKeyPem } } });
  const inFlight = p.signer!.sign({ raw: basicMail(), tenant: { id: 'acme' }, feedbackId }).then(() => 'signed', () => 'refused');
  await p.close();
  assert.ok(['signed', 'refused'].includes(await inFlight));
  await assert.rejects(p.signer!.sign({ raw: basicMail(), tenant: { id: 'acme' }, feedbackId }), /closed/);
  assert.equal((await p.scanner!.scan(basicMail(), ctx)).reasons[0]?.rule, 'scanner-error');
  assert.equal((await p.scanThenSign(basicMail(), ctx, { tenant: { id: 'acme' }, feedbackId }, [])).signed, null);
});

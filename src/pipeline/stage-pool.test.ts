import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../core/clock.js';
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
  assert.throws(() => createStagePool({ threads: 1, signer: { platform: { domain: 'outpost.example', selector: 'p1', privateKeyPem: 'junk' } } }), (e: unknown) => e instanceof SignError);
  const scanOnly = createStagePool({ threads: 1, scanner: {} });
  try {
    assert.equal(scanOnly.signer, undefined);
    await assert.rejects(scanOnly.scanThenSign(basicMail(), ctx, { tenant: { id: 'acme' }, feedbackId }, []), /scans and signs/);
  } finally {
    await scanOnly.close();
  }
});

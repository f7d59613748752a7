import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Verdict } from '../core/types.js';
import { createScanner } from './scanner.js';
import { defaultThresholds, ScannerConfigError } from './options.js';
import { prng } from './train.js';
import { loadStdlibCorpus } from './corpus.js';
import { basicMail, mail, TEST_DATE, TEST_NOW, withAttachment } from './testing.js';

const ctx = { recipientCount: 1, mailFrom: 'sender@tenant.example', receivedAt: TEST_NOW };
const scanner = createScanner();

function wellFormed(v: Verdict): void {
  assert.ok(v.score >= 0 && v.score <= 1);
  assert.ok(['clean', 'bulk', 'suspect', 'spam'].includes(v.class));
  assert.ok(Array.isArray(v.reasons));
  assert.ok(v.fingerprint === '' || /^[0-9a-f]{16}$/.test(v.fingerprint));
}
const rules = (v: Verdict): string[] => v.reasons.filter((r) => r.weight !== 0).map((r) => r.rule);

test('an ordinary personal message is clean', async () => {
  const v = await scanner.scan(basicMail(), ctx);
  wellFormed(v);
  assert.equal(v.class, 'clean', JSON.stringify(v));
  assert.equal(v.reasons[0]?.rule, 'model');
});

test('a newsletter with List-Unsubscribe and many recipients is bulk, not spam', async () => {
  const raw = basicMail(
    { From: 'Example Weekly <news@example.org>', Subject: 'This week at Example', 'List-Unsubscribe': '<https://example.org/unsub?u=1>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click', 'List-Id': '<weekly.example.org>' },
    'Hello,\nThis week we released version 2.3 of the project with faster builds and a new plugin API.\nRead the release notes at https://example.org/blog/2-3\nThe Example team\n',
  );
  const v = await scanner.scan(raw, { ...ctx, recipientCount: 40 });
  assert.equal(v.class, 'bulk', JSON.stringify(v));
  assert.ok(v.reasons.some((r) => r.rule === 'bulk-signal' && /List-Unsubscribe/.test(r.detail)));
});

test('modern phishing: credential harvest behind a URL shortener, brand display name', async () => {
  const raw = basicMail(
    { From: '"Microsoft 365 Security" <no-reply@m365-alerts.example>', Subject: 'Password expiry notice', 'Content-Type': 'text/html; charset=utf-8' },
    '<p>Your password for anna@example.net expires today.</p><p><a href="https://bit.ly/3kTq9Zx">Keep current password</a></p>',
  );
  const v = await scanner.scan(raw, ctx);
  assert.ok(v.class === 'spam' || v.class === 'suspect', JSON.stringify(v));
  assert.ok(rules(v).includes('brand-impersonation') && rules(v).includes('url-shortener'));
});

test('modern phishing: invoice lure with an HTML attachment holding a login form', async () => {
  const page = Buffer.from('<html><body><h3>Sign in to view your invoice</h3><form action="https://collector.example/gate.php" method="post"><input name="email"><input type="password" name="pass"><button>View</button></form></body></html>');
  const raw = withAttachment('Invoice_2024-0311.html', page, 'text/html', 'Hello,\nPlease find attached the overdue invoice. Kindly settle it today.\nAccounts');
  const v = await scanner.scan(raw, ctx);
  assert.ok(v.class === 'spam' || v.class === 'suspect', JSON.stringify(v));
  assert.ok(rules(v).includes('html-attachment') && rules(v).includes('credential-form'));
});

test('modern phishing: lookalike domain in From and link', async () => {
  const raw = basicMail(
    { From: '"PayPal" <service@paypa1-support.com>', Subject: 'Your account has been limited', 'Content-Type': 'text/html; charset=utf-8' },
    '<p>We noticed unusual activity. Confirm your identity within 24 hours:</p><p><a href="https://paypa1-support.com/verify">https://www.paypal.com/verify</a></p>',
  );
  const v = await scanner.scan(raw, ctx);
  assert.equal(v.class, 'spam', JSON.stringify(v));
  for (const r of ['brand-impersonation', 'lookalike-domain', 'link-text-mismatch']) assert.ok(rules(v).includes(r), r);
});

test('malware shape: password-protected zip with the password in the body', async () => {
  const { zipWith } = await import('./testing.js');
  const v = await scanner.scan(withAttachment('Scan_0042.zip', zipWith(['Scan_0042.js'], true), 'application/zip', 'Document attached. Password: 7731'), ctx);
  assert.ok(v.class === 'spam', JSON.stringify(v));
  assert.ok(rules(v).includes('encrypted-archive') && rules(v).includes('executable-attachment'));
});

test('suspect and spam verdicts name the model features that weighed most', async () => {
  const raw = basicMail({ Subject: 'FREE!!! Make $$$ fast', 'Content-Type': 'text/html' }, '<p>MAKE MONEY FAST!!! Click here to remove yourself. Limited time offer, order now, free gift, 100% guaranteed!!!</p><a href="http://192.168.3.4/x">Click here</a>');
  const v = await scanner.scan(raw, ctx);
  assert.notEqual(v.class, 'clean');
  assert.match(v.reasons.find((r) => r.rule === 'model')?.detail ?? '', /top features: .+\+\d/);
});

test('never throws: empty, binary, truncated and mangled messages all get verdicts', async () => {
  const empty = await scanner.scan(Buffer.alloc(0), ctx);
  assert.ok(empty.reasons.some((r) => r.rule === 'unparseable'));
  const rnd = prng(42);
  const sample = loadStdlibCorpus().filter((_, i) => i % 60 === 0);
  const inputs: Buffer[] = [Buffer.from('\u0000'.repeat(100)), Buffer.from('Content-Type: multipart/mixed; boundary=\r\n\r\n--\r\n--\r\n'), mail({ 'Content-Type': 'multipart/mixed; boundary="' + 'x'.repeat(5000) + '"' }, '--x')];
  for (const m of sample) {
    inputs.push(m.raw.subarray(0, Math.floor(rnd() * m.raw.length)));
    const mangled = Buffer.from(m.raw);
    for (let k = 0; k < 50; k++) mangled[Math.floor(rnd() * mangled.length)] = Math.floor(rnd() * 256);
    inputs.push(mangled);
  }
  for (let i = 0; i < 50; i++) inputs.push(Buffer.from(Array.from({ length: Math.floor(rnd() * 3000) }, () => Math.floor(rnd() * 256))));
  for (const raw of inputs) wellFormed(await scanner.scan(raw, ctx));
});

test('a 10 MB attachment is scanned within bounded time', async () => {
  const raw = withAttachment('backup.tar', Buffer.alloc(10 * 1024 * 1024, 1), 'application/x-tar');
  const t = performance.now();
  wellFormed(await scanner.scan(raw, ctx));
  assert.ok(performance.now() - t < 4000);
});

test('weights and thresholds come from options; bad options are refused', async () => {
  const raw = basicMail({ Date: undefined, 'Message-ID': undefined });
  const loud = await createScanner({ weights: { 'date-missing': 6, 'message-id-missing': 6 } }).scan(raw, ctx);
  assert.equal(loud.class, 'spam');
  assert.equal(loud.reasons.find((r) => r.rule === 'date-missing')?.weight, 6);
  const off = await createScanner({ weights: { 'date-missing': 0, 'message-id-missing': 0 } }).scan(raw, ctx);
  assert.ok(!rules(off).includes('date-missing'));
  const strict = await createScanner({ thresholds: { suspect: 0.0001, spam: 0.9999 } }).scan(basicMail(), ctx);
  assert.equal(strict.class, 'suspect');
  assert.throws(() => createScanner({ weights: { 'no-such-rule': 1 } as never }), ScannerConfigError);
  assert.throws(() => createScanner({ thresholds: { suspect: 0.9, spam: 0.5 } }), ScannerConfigError);
  assert.throws(() => createScanner({ maxTextLength: -1 }), ScannerConfigError);
  assert.ok(defaultThresholds.suspect < defaultThresholds.spam);
});

test('the postal-mime parser option gives the same kind of verdict', async () => {
  const v = await createScanner({ parser: 'postal-mime' }).scan(basicMail(), ctx);
  assert.equal(v.class, 'clean');
  const junk = await createScanner({ parser: 'postal-mime' }).scan(Buffer.alloc(0), ctx);
  assert.ok(junk.reasons.some((r) => r.rule === 'unparseable'));
});

test('the text cap bounds the work on huge text bodies', async () => {
  const raw = basicMail({ Date: TEST_DATE }, 'lorem ipsum dolor sit amet '.repeat(400_000));
  const t = performance.now();
  wellFormed(await createScanner({ maxTextLength: 20000 }).scan(raw, ctx));
  assert.ok(performance.now() - t < 4000);
});

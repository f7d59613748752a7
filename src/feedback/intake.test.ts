/**
 * The feedback intake with real stores (state DB, SQLite spool): every shared
 * fixture goes through it without error; attribution by each method (VERP,
 * CFBL token, Feedback-ID, DKIM, Message-ID) and what each kind of report does
 * (5.1.x suppresses, 5.1.7 does not, delays and not-spam are only recorded).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../core/clock.js';
import { newMessageId } from '../core/ids.js';
import { parseConfig } from '../config/load.js';
import { openSqlite, type Db } from '../db/sqlite.js';
import { EventBus, type PlatformEvent } from '../events/bus.js';
import { createLogger } from '../log/logger.js';
import type { ReputationSignals } from '../reputation/signals.js';
import { SqliteSpool } from '../spool/sqlite/sqlite-spool.js';
import { TenantStore } from '../tenants/store.js';
import { emlFiles, findFixturesDir } from './fixture-agreement.js';
import { importFeedback } from './import.js';
import { buildFeedback, type FeedbackParts } from './wiring.js';
import { tenantTag } from './return-path.js';

const clock = new FakeClock(Date.UTC(2026, 10, 28));
let dir: string;
let state: Db;
let spool: SqliteSpool;
let tenants: TenantStore;
let parts: FeedbackParts;
const events: PlatformEvent[] = [];
const calls: Array<[string, string, Record<string, unknown>]> = [];
const reputation: ReputationSignals = {
  submitted: () => undefined, scanned: () => undefined, delivery: () => undefined, standing: () => 'normal',
  bounce: (t, o) => calls.push(['bounce', t, { ...o }]),
  complaint: (t, o) => calls.push(['complaint', t, { ...o }]),
};

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'outpost-intake-'));
  state = openSqlite(join(dir, 'state.db'));
  spool = new SqliteSpool(join(dir, 'spool.db'));
  tenants = new TenantStore(state, clock);
  tenants.add('acme', ['acme.test']);
  tenants.add('a-tenant-with-a-rather-long-name-of-many-characters', ['long.test']);
  const config = parseConfig({ dataDir: dir, platform: { domain: 'outpost.test', senderId: 'outpost01' } });
  const bus = new EventBus();
  bus.on((e) => events.push(e));
  parts = buildFeedback({ config, state, spool, tenants, events: bus, reputation, clock, log: createLogger('silent') });
});

after(async () => {
  await spool.close();
  state.close();
});

async function message(tenantId: string, rcptTo: string[], mid?: string): Promise<string> {
  const id = newMessageId(clock.now());
  const raw = Buffer.from(`From: a@acme.test\r\nTo: ${rcptTo.join(', ')}\r\nMessage-ID: <${mid ?? `${id}@mail.outpost.test`}>\r\nSubject: s\r\n\r\nbody\r\n`);
  await spool.enqueue({ id, tenantId, source: 'smtp', clientIp: '127.0.0.1', envelope: { mailFrom: 'a@acme.test', rcptTo }, raw, receivedAt: clock.now(), summary: {} });
  return id;
}

function dsn(rcpt: string, status: string, action: string, originalHeaders: string): Buffer {
  return Buffer.from([
    'From: MAILER-DAEMON@mx.dest.test', 'To: x@outpost.test', 'Subject: Delivery Status Notification', 'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b"', '',
    '--b', 'Content-Type: text/plain', '', 'report', '',
    '--b', 'Content-Type: message/delivery-status', '', 'Reporting-MTA: dns; mx.dest.test', '',
    `Final-Recipient: rfc822; ${rcpt}`, `Action: ${action}`, `Status: ${status}`, `Diagnostic-Code: smtp; ${status[0] === '5' ? 550 : 450} ${status} text`, '',
    '--b', 'Content-Type: text/rfc822-headers', '', originalHeaders, '', '--b--', '',
  ].join('\r\n'));
}

function arf(feedbackType: string, rcpt: string | undefined, originalHeaders: string): Buffer {
  return Buffer.from([
    'From: fbl@isp.test', 'To: fbl@outpost.test', 'Subject: report', 'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=feedback-report; boundary="c"', '',
    '--c', 'Content-Type: text/plain', '', 'abuse report', '',
    '--c', 'Content-Type: message/feedback-report', '', `Feedback-Type: ${feedbackType}`, 'User-Agent: test/1', 'Version: 1', ...(rcpt ? [`Original-Rcpt-To: ${rcpt}`] : []), '',
    '--c', 'Content-Type: text/rfc822-headers', '', originalHeaders, '', '--c--', '',
  ].join('\r\n'));
}

test('every shared fixture goes through the intake without error and is stored', { timeout: 120_000 }, async (t) => {
  const fixtures = findFixturesDir();
  if (!fixtures) return t.skip('feedback fixtures not found');
  const before = parts.reports.counts();
  let n = 0;
  const outcomes: Record<string, number> = {};
  for (const f of emlFiles(fixtures)) {
    const results = await importFeedback(parts.intake, readFileSync(join(fixtures, f)));
    assert.ok(results.length >= 1, f);
    for (const r of results) {
      outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
      assert.notEqual(r.outcome, 'malformed', f);
      assert.ok(r.reportId > 0);
    }
    n += results.length;
  }
  const after = parts.reports.counts();
  const stored = Object.values(after).reduce((a, b) => a + b, 0) - Object.values(before).reduce((a, b) => a + b, 0);
  assert.equal(stored, n);
  t.diagnostic(`${n} reports: ${JSON.stringify(outcomes)}`);
});

test('VERP token (whole-message) + DSN Final-Recipient: only envelope recipients count; 5.1.x suppresses, 5.1.7 does not', async () => {
  const id = await message('acme', ['one@dest.test', 'two@dest.test']);
  const token = parts.verp.encode({ messageId: id, tenantId: tenantTag('acme') });
  const r = await parts.intake.handle({ raw: dsn('two@dest.test', '5.1.1', 'failed', 'Subject: s'), source: 'smtp', envelopeRcpts: [token] });
  assert.deepEqual([r.outcome, r.tenantId, r.messageId, r.method, r.suppressed], ['attributed', 'acme', id, 'verp', ['two@dest.test']]);
  assert.ok(parts.suppressions.get('acme', 'two@dest.test'));
  assert.equal(parts.suppressions.get('acme', 'one@dest.test'), null);
  assert.ok((await spool.events(id)).some((e) => e.type === 'bounced' && e.data?.['recipient'] === 'two@dest.test'));
  assert.ok(events.some((e) => e.type === 'bounced' && e.tenantId === 'acme' && e.messageId === id));

  // A recipient that was never in the envelope is not believed.
  const stranger = await parts.intake.handle({ raw: dsn('ceo@dest.test', '5.1.1', 'failed', 'Subject: s'), source: 'smtp', envelopeRcpts: [token] });
  assert.deepEqual(stranger.recipients, []);
  assert.equal(parts.suppressions.get('acme', 'ceo@dest.test'), null);

  // 5.1.7 (bad sender address) is a failure but does not suppress the recipient.
  const sender = await parts.intake.handle({ raw: dsn('one@dest.test', '5.1.7', 'failed', 'Subject: s'), source: 'smtp', envelopeRcpts: [token] });
  assert.deepEqual([sender.recipients, sender.suppressed], [['one@dest.test'], []]);
  // A delay is recorded, never suppresses, never counts as a bounce.
  const bounces = calls.filter((c) => c[0] === 'bounce').length;
  const delay = await parts.intake.handle({ raw: dsn('one@dest.test', '4.2.2', 'delayed', 'Subject: s'), source: 'smtp', envelopeRcpts: [token] });
  assert.deepEqual([delay.kind, delay.outcome, delay.suppressed], ['delay', 'attributed', []]);
  assert.equal(calls.filter((c) => c[0] === 'bounce').length, bounces);
  assert.ok((await spool.events(id)).some((e) => e.type === 'delay-reported'));
});

test('long tenant names fit: the token carries a tag, and a token for a purged message still names the tenant', async () => {
  const long = 'a-tenant-with-a-rather-long-name-of-many-characters';
  const id = newMessageId(clock.now()); // never spooled
  const addr = parts.verp.encode({ messageId: id, rcptIndex: 3, tenantId: tenantTag(long) });
  assert.ok(addr.split('@')[0]!.length <= 64, addr);
  const r = await parts.intake.handle({ raw: dsn('gone@dest.test', '5.1.1', 'failed', 'Subject: s'), source: 'smtp', envelopeRcpts: [addr] });
  assert.deepEqual([r.tenantId, r.recipients], [long, ['gone@dest.test']]);
});

test('attribution without a token: CFBL-Feedback-ID, Feedback-ID, DKIM, Message-ID — and not-spam is only recorded', async () => {
  const id1 = await message('acme', ['c1@dest.test']);
  const cfbl = parts.verp.tokenOf(parts.verp.encode({ messageId: id1, rcptIndex: 0, tenantId: tenantTag('acme') }))!;
  const r1 = await parts.intake.handle({ raw: arf('abuse', undefined, `CFBL-Feedback-ID: ${cfbl}\r\nFrom: a@acme.test\r\nSubject: s`), source: 'smtp', envelopeRcpts: ['fbl@outpost.test'] });
  assert.deepEqual([r1.tenantId, r1.messageId, r1.method, r1.recipients], ['acme', id1, 'verp', ['c1@dest.test']], 'a redacted ARF gets the recipient from the token');

  const id2 = await message('acme', ['c2@dest.test'], 'client-chosen-1@acme.test');
  const r2 = await parts.intake.handle({ raw: arf('abuse', 'c2@dest.test', 'Feedback-ID: spring:acme:mail:outpost01\r\nMessage-ID: <client-chosen-1@acme.test>\r\nSubject: s'), source: 'import' });
  assert.deepEqual([r2.tenantId, r2.method, r2.messageId, r2.suppressed], ['acme', 'feedback-id', undefined, ['c2@dest.test']]);
  void id2;
  // Someone else's SenderId is not ours.
  const r2b = await parts.intake.handle({ raw: arf('abuse', 'c2b@dest.test', 'Feedback-ID: x:acme:mail:otherplat\r\nSubject: s'), source: 'import' });
  assert.equal(r2b.outcome, 'unattributed');

  const r3 = await parts.intake.handle({ raw: arf('abuse', 'c3@dest.test', 'DKIM-Signature: v=1; a=rsa-sha256; d=acme.test; s=t1; h=from; bh=x; b=y\r\nDKIM-Signature: v=1; a=rsa-sha256; d=outpost.test; s=outpost; h=from; bh=x; b=y\r\nSubject: s'), source: 'import' });
  assert.deepEqual([r3.tenantId, r3.method], ['acme', 'dkim']);
  // A tenant domain signature without the platform's is not ours.
  const r3b = await parts.intake.handle({ raw: arf('abuse', 'c3b@dest.test', 'DKIM-Signature: v=1; a=rsa-sha256; d=acme.test; s=t1; h=from; bh=x; b=y\r\nSubject: s'), source: 'import' });
  assert.equal(r3b.outcome, 'unattributed');

  const id4 = await message('acme', ['c4@dest.test']);
  const r4 = await parts.intake.handle({ raw: arf('abuse', undefined, `Message-ID: <${id4}@mail.outpost.test>\r\nSubject: s`), source: 'import' });
  assert.deepEqual([r4.tenantId, r4.messageId, r4.method, r4.suppressed], ['acme', id4, 'message-id', ['c4@dest.test']]);

  const complaints = calls.filter((c) => c[0] === 'complaint').length;
  const id5 = await message('acme', ['c5@dest.test']);
  const r5 = await parts.intake.handle({ raw: arf('not-spam', undefined, `Message-ID: <${id5}@mail.outpost.test>\r\nSubject: s`), source: 'import' });
  assert.deepEqual([r5.outcome, r5.suppressed], ['attributed', []]);
  assert.equal(calls.filter((c) => c[0] === 'complaint').length, complaints);
  assert.ok((await spool.events(id5)).some((e) => e.type === 'complained'));

  // Garbage is stored as malformed or ignored, never thrown.
  const junk = await parts.intake.handle({ raw: Buffer.from([0xff, 0x00, 0x13]), source: 'import' });
  assert.ok(['malformed', 'ignored'].includes(junk.outcome));
  assert.ok(parts.reports.raw(junk.reportId));
});

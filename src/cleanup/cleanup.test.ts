import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../core/clock.js';
import { SmtpError } from '../core/smtp-reply.js';
import { SqliteSpool } from '../spool/sqlite/sqlite-spool.js';
import { createCleanup, rfc5322Date } from './cleanup.js';

const domains: Record<string, string[]> = { acme: ['acme.test'], globex: ['globex.test'] };
function setup() {
  const spool = new SqliteSpool(join(mkdtempSync(join(tmpdir(), 'cleanup-')), 's.db'));
  const clock = new FakeClock(Date.UTC(2026, 10, 27, 21, 29, 20));
  const cleanup = createCleanup({ spool, clock, hostname: 'gw.test', ownsDomain: (t, d) => (domains[t] ?? []).includes(d) });
  return { spool, cleanup };
}
const base = { tenantId: 'acme', source: 'smtp' as const, clientIp: '127.0.0.9', clientHelo: 'client.test', protocol: 'ESMTPSA' };

test('adds Received, Message-ID and Date; removes Bcc; stores durably with events', async () => {
  const { spool, cleanup } = setup();
  const raw = Buffer.from('From: Ann <ann@acme.test>\r\nTo: bob@x.test\r\nBcc: secret@y.test\r\nSubject: Hello\r\n\r\nHi Bob\r\n');
  const { id } = await cleanup.submit({ ...base, envelope: { mailFrom: 'ann@acme.test', rcptTo: ['bob@x.test', 'secret@y.test'] }, raw });
  const stored = (await spool.readBody(id))!.toString();
  assert.match(stored, /^Received: from client\.test \(\[127\.0\.0\.9\]\)\r\n\tby gw\.test \(Outpost\) with ESMTPSA id /);
  assert.ok(!/^Bcc:/im.test(stored), 'Bcc is removed');
  assert.match(stored, new RegExp(`\r\nMessage-ID: <${id}@gw\\.test>\r\n`));
  assert.match(stored, /\r\nDate: Fri, 27 Nov 2026 21:29:20 \+0000\r\n/);
  assert.ok(stored.endsWith('\r\n\r\nHi Bob\r\n'));
  const v = await spool.getMessage(id);
  assert.equal(v?.summary.subject, 'Hello');
  assert.deepEqual((await spool.events(id)).map((e) => e.type), ['received', 'queued']);
  await spool.close();
});

test('keeps an existing Message-ID and Date', async () => {
  const { spool, cleanup } = setup();
  const raw = Buffer.from('From: ann@acme.test\r\nMessage-ID: <x@acme.test>\r\nDate: Thu, 26 Nov 2026 10:00:00 +0000\r\n\r\nbody\r\n');
  const { id } = await cleanup.submit({ ...base, envelope: { mailFrom: 'ann@acme.test', rcptTo: ['b@x.test'] }, raw });
  const stored = (await spool.readBody(id))!.toString();
  assert.equal(stored.match(/^Message-ID:/gim)?.length, 1);
  assert.equal(stored.match(/^Date:/gim)?.length, 1);
  await spool.close();
});

test("one tenant can never send as another: envelope, From and Sender are checked", async () => {
  const { spool, cleanup } = setup();
  const env = { mailFrom: 'ann@acme.test', rcptTo: ['b@x.test'] };
  const cases: Array<[string, typeof env, RegExp]> = [
    ['From: boss@globex.test\r\n\r\nx\r\n', env, /From: domain globex\.test is not a verified domain/],
    ['From: ann@acme.test\r\n\r\nx\r\n', { mailFrom: 'ann@globex.test', rcptTo: ['b@x.test'] }, /Sender domain globex\.test/],
    ['From: ann@acme.test\r\nSender: x@globex.test\r\n\r\nx\r\n', env, /Sender: domain globex\.test/],
    ['From: ann@acme.test, evil@globex.test\r\n\r\nx\r\n', env, /From: domain globex\.test/],
    ['From: "ann@acme.test" <evil@globex.test>\r\n\r\nx\r\n', env, /From: domain globex\.test/],
    ['Subject: no from\r\n\r\nx\r\n', env, /no From: header/],
    ['From: ann@acme.test\r\nFrom: ann@acme.test\r\n\r\nx\r\n', env, /more than one From/],
    ['From: ann@acme.test\r\n\r\nx\r\n', { mailFrom: '', rcptTo: ['b@x.test'] }, /null sender/],
  ];
  for (const [raw, envelope, re] of cases) {
    await assert.rejects(cleanup.submit({ ...base, envelope, raw: Buffer.from(raw) }), (e: unknown) => {
      assert.ok(e instanceof SmtpError);
      assert.equal(e.reply.code >= 550, true);
      assert.match(e.reply.text, re);
      return true;
    });
  }
  assert.equal(Object.keys((await spool.counts()).messages).length, 0, 'nothing was stored');
  await spool.close();
});

test('a storage failure answers 4.3.x, never success', async () => {
  const { spool, cleanup } = setup();
  await spool.close();
  await assert.rejects(
    cleanup.submit({ ...base, envelope: { mailFrom: 'ann@acme.test', rcptTo: ['b@x.test'] }, raw: Buffer.from('From: ann@acme.test\r\n\r\nx\r\n') }),
    (e: unknown) => e instanceof SmtpError && e.reply.code === 451 && e.reply.enhanced === '4.3.0',
  );
});

test('rfc5322Date pads and names the day', () => {
  assert.equal(rfc5322Date(Date.UTC(2026, 0, 2, 3, 4, 5)), 'Fri, 2 Jan 2026 03:04:05 +0000');
});

/**
 * The feedback listener's limits over real SMTP: reports per client IP per
 * minute, message size, connections per IP, and that an accepted report is
 * stored before the 250.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../core/clock.js';
import { parseConfig } from '../config/load.js';
import { openSqlite, type Db } from '../db/sqlite.js';
import { EventBus } from '../events/bus.js';
import { createLogger } from '../log/logger.js';
import { noReputation } from '../reputation/signals.js';
import { SqliteSpool } from '../spool/sqlite/sqlite-spool.js';
import { TenantStore } from '../tenants/store.js';
import { loadOrCreateTls } from '../tls/certificates.js';
import { rawSmtp } from '../../test/support/raw-smtp.js';
import { createFeedbackListener } from './listener.js';
import { buildFeedback, type FeedbackParts } from './wiring.js';

const HOST = '127.0.168.1';
const clock = new FakeClock(Date.UTC(2026, 10, 28));
let state: Db;
let spool: SqliteSpool;
let parts: FeedbackParts;
let server: ReturnType<typeof createFeedbackListener>['server'];
let port: number;

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-fbl-'));
  state = openSqlite(join(dir, 'state.db'));
  spool = new SqliteSpool(join(dir, 'spool.db'));
  const config = parseConfig({ dataDir: dir, platform: { domain: 'outpost.test' } });
  parts = buildFeedback({ config, state, spool, tenants: new TenantStore(state, clock), events: new EventBus(), reputation: noReputation, clock, log: createLogger('silent') });
  const made = createFeedbackListener({
    hostname: 'fb.test', tls: await loadOrCreateTls(dir, 'fb.test'), verp: parts.verp, fblAddresses: parts.fblAddresses, intake: parts.intake,
    maxMessageBytes: 2000, ratePerMinute: 2, maxConnectionsPerIp: 2, closeTimeout: 1000, now: () => clock.now(), log: createLogger('silent'),
  });
  server = made.server;
  await new Promise<void>((r) => server.listen(0, HOST, () => r()));
  port = (server.server.address() as AddressInfo).port;
});

after(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await spool.close();
  state.close();
});

async function session() {
  const c = await rawSmtp(HOST, port);
  assert.match(await c.read(), /^220 /);
  assert.match(await c.cmd('EHLO isp.test'), /^250/);
  return c;
}

test('accepted reports are stored before 250; size, rate and connection limits answer with the right codes', async () => {
  const before = Object.values(parts.reports.counts()).reduce((a, b) => a + b, 0);
  const c = await session();
  assert.match(await c.cmd('AUTH PLAIN AGFAYg=='), /^50[02]/, 'no AUTH on the feedback port');
  assert.match(await c.cmd('MAIL FROM:<>'), /^250/);
  assert.match(await c.cmd('RCPT TO:<FBL@Outpost.Test>'), /^250/);
  assert.match(await c.cmd('DATA'), /^354/);
  assert.match(await c.cmd('From: x@isp.test\r\nSubject: hello\r\n\r\nnot a report\r\n.'), /^250 .*report \d+ recorded/);
  assert.equal(Object.values(parts.reports.counts()).reduce((a, b) => a + b, 0), before + 1);

  // Too big: 552 after DATA (second report of this minute).
  assert.match(await c.cmd('MAIL FROM:<>'), /^250/);
  assert.match(await c.cmd('RCPT TO:<fbl@outpost.test>'), /^250/);
  assert.match(await c.cmd('DATA'), /^354/);
  assert.match(await c.cmd(`Subject: big\r\n\r\n${'x'.repeat(76) + '\r\n'}`.repeat(40) + '.'), /^552 5\.3\.4/);

  // Third MAIL within the minute from this IP: 450 4.7.0; a minute later it is fine again.
  assert.match(await c.cmd('MAIL FROM:<>'), /^450 4\.7\.0/);
  clock.advance(60_001);
  assert.match(await c.cmd('MAIL FROM:<>'), /^250/);
  assert.match(await c.cmd('RSET'), /^250/);

  // Connections per IP: two are allowed, a third gets 421.
  const c2 = await rawSmtp(HOST, port);
  assert.match(await c2.read(), /^220 /);
  const c3 = await rawSmtp(HOST, port);
  assert.match(await c3.read(), /^421 4\.7\.0/);
  c3.close();
  c2.close();
  c.close();
});

/**
 * Quarantine and reject end to end on loopback: a real gateway with the
 * scanner on, an SMTP sink as every destination's MX, and the `outpost` CLI
 * (a separate process) working on the running gateway's spool.
 * - spam quarantined by the tenant's policy (set with the CLI), with its
 *   verdict, reasons and "why this route"; a `quarantined` platform event;
 * - list/show with filters; release re-scans and routes by the current
 *   policy (back to quarantine), --force-pool sends it from that pool;
 * - reject: the sender gets a DSN from the high-risk pool quoting 5.7.1;
 * - bulk delete with filters; expiry after quarantine.expireAfter with a
 *   final event and a DSN.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import { FakeClock } from '../core/clock.js';
import type { PlatformEvent } from '../events/bus.js';
import { startTestGateway, type TestGateway } from '../../test/support/gateway.js';
import { startSink, type Sink } from '../../test/support/smtp-sink.js';

const BIN = fileURLToPath(new URL('../../../bin/outpost.js', import.meta.url));
const fixture = (name: string): Buffer => readFileSync(new URL(`../../../test/fixtures/${name}`, import.meta.url));
const DEFAULT_IP = '127.0.73.100';
const HIGH_RISK_IP = '127.0.73.101';
let t: TestGateway;
let sink: Sink;
let configFile: string;
const clock = new FakeClock(Date.now() - 5000);
const events: PlatformEvent[] = [];

before(async () => {
  sink = await startSink({ host: '127.0.73.25' });
  const pools = { default: { ips: [{ ip: DEFAULT_IP, helo: 'out.gw.test' }] }, 'high-risk': { ips: [{ ip: HIGH_RISK_IP, helo: 'hr.gw.test' }] } };
  t = await startTestGateway({
    host: '127.0.73.1', clock,
    config: {
      scan: { enabled: true, threads: 1 }, pools,
      routes: [{ match: 'example.net', host: '127.0.73.25', port: sink.port }, { match: 'acme.test', host: '127.0.73.25', port: sink.port }],
      platform: { signing: false },
    },
  });
  t.gw.events.on((e) => events.push(e));
  configFile = join(t.dataDir, 'cli.yaml');
  writeFileSync(configFile, JSON.stringify({ dataDir: t.dataDir, pools }));
});
after(async () => {
  await t.stop();
  await sink.close();
});

function cli(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args, '--config', configFile], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

async function submit(raw: Buffer, to: string): Promise<string> {
  const info = await nodemailer
    .createTransport({ host: t.host, port: t.smtpPort, auth: { user: t.tenant.user, pass: t.tenant.password }, tls: { rejectUnauthorized: false } })
    .sendMail({ envelope: { from: 'ann@acme.test', to: [to] }, raw });
  return /queued as (\S+)/.exec(info.response)![1]!;
}

async function until<T>(what: string, f: () => Promise<T | undefined | false>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const stateOf = async (id: string): Promise<string | undefined> => (await t.gw.spool.getMessage(id))?.state;
const eventsOf = async (id: string, type: string) => (await t.gw.spool.events(id)).filter((e) => e.type === type);

let held = '';

test('the tenant policy (set by the CLI) quarantines spam with its verdict and "why this route"; clean mail leaves from default', async () => {
  const set = cli('tenant', 'policy', 'acme', 'spam=quarantine');
  assert.equal(set.code, 0, set.err);
  assert.match(cli('policy', 'show', 'acme').out, /spam\s+deliver:high-risk\s+quarantine\s+quarantine/);
  held = await submit(fixture('spam-phish.eml'), 'victim@example.net');
  const ham = await submit(fixture('ham-meeting.eml'), 'bob@example.net');
  await until('the spam to be quarantined', async () => (await stateOf(held)) === 'quarantined');
  const [m] = await sink.waitFor(1, 10_000);
  assert.deepEqual(m!.rcptTo, ['bob@example.net']);
  assert.equal(m!.remoteAddress, DEFAULT_IP);
  const routed = (await eventsOf(held, 'routed'))[0]!.data!;
  assert.equal(routed['rule'], 'tenant-policy');
  assert.equal(routed['row'], 'spam → quarantine');
  assert.equal(routed['tenantOverride'], 'quarantine');
  assert.equal(routed['class'], 'spam');
  assert.ok((routed['reasons'] as unknown[]).length > 0);
  const msg = await t.gw.spool.getMessage(held);
  assert.equal(msg?.verdict?.class, 'spam');
  assert.ok(events.some((e) => e.type === 'quarantined' && e.messageId === held && e.data['class'] === 'spam'));
  await until('the clean message to be done', async () => (await stateOf(ham)) === 'done');
});

test('list and show with filters', () => {
  const list = JSON.parse(cli('quarantine', 'list', '--json', '--tenant', 'acme').out) as { total: number; messages: Array<{ id: string; class: string; reasons: string[] }> };
  assert.equal(list.total, 1);
  assert.equal(list.messages[0]!.id, held);
  assert.equal(list.messages[0]!.class, 'spam');
  assert.ok(list.messages[0]!.reasons.length > 0);
  assert.match(cli('quarantine', 'list', '--rule', 'no-such-rule').out, /^0 message\(s\)/);
  assert.match(cli('quarantine', 'list', '--class', 'clean').out, /^0 message\(s\)/);
  assert.match(cli('quarantine', 'list', '--older-than', '1h').out, /^0 message\(s\)/);
  assert.match(cli('quarantine', 'list', '--tenant', 'other').out, /^0 message\(s\)/);
  const show = cli('quarantine', 'show', held);
  assert.match(show.out, /verdict: {3}spam score/);
  assert.match(show.out, /url-ip-literal/);
  assert.match(cli('quarantine', 'list', '--class', 'nonsense').err, /--class: expected clean, bulk, suspect or spam/);
});

test('release re-scans and routes by the current policy: still quarantined; --force-pool sends it from that pool', async () => {
  assert.match(cli('quarantine', 'release', held).out, /released 1 of 1/);
  await until('the re-scan', async () => (await eventsOf(held, 'scanned')).length === 2 && (await stateOf(held)) === 'quarantined');
  const back = events.find((e) => e.type === 'released' && e.messageId === held);
  assert.equal(back?.data['route'], 'quarantine');
  const r = cli('quarantine', 'release', held, '--force-pool', 'default', '--by', 'alice');
  assert.equal(r.code, 0, r.err);
  const [, m] = await sink.waitFor(2, 10_000);
  assert.deepEqual(m!.rcptTo, ['victim@example.net']);
  assert.equal(m!.remoteAddress, DEFAULT_IP);
  assert.equal((await eventsOf(held, 'scanned')).length, 3, 'a forced release is scanned too');
  const routed = (await eventsOf(held, 'routed')).at(-1)!.data!;
  assert.equal(routed['rule'], 'forced');
  assert.deepEqual({ ...(routed['release'] as object), at: 0 }, { by: 'cli:alice', forcePool: 'default', at: 0 });
  assert.ok(events.some((e) => e.type === 'released' && e.messageId === held && e.data['forcePool'] === 'default' && e.data['pool'] === 'default'));
  assert.match(cli('quarantine', 'release', held).out, /released 0 of 1 message\(s\); 1 not in quarantine/);
});

test('reject: the sender gets a DSN from the high-risk pool with the policy reason; the recipient gets nothing', async () => {
  t.gw.policy.store.set('acme', 'spam', { action: 'reject' });
  const id = await submit(fixture('spam-phish.eml'), 'victim2@example.net');
  const dsn = await until('the DSN', async () => sink.messages.find((m) => m.mailFrom === '' && m.raw.toString().includes(id)));
  assert.deepEqual(dsn.rcptTo, ['ann@acme.test']);
  assert.equal(dsn.remoteAddress, HIGH_RISK_IP);
  assert.match(dsn.raw.toString(), /Status: 5\.7\.1/);
  assert.match(dsn.raw.toString(), /rejected\s+by\s+the\s+provider's\s+outbound\s+policy:\s+classified\s+spam/);
  assert.ok(!sink.messages.some((m) => m.rcptTo.includes('victim2@example.net')));
  assert.equal((await t.gw.spool.getMessage(id))?.recipients[0]?.state, 'failed');
});

test('bulk delete with filters; expiry after quarantine.expireAfter with a final event and a DSN', async () => {
  t.gw.policy.store.set('acme', 'spam', { action: 'quarantine' });
  const ids = [];
  for (let i = 0; i < 3; i++) ids.push(await submit(fixture('spam-phish.eml'), `v${i}@example.net`));
  for (const id of ids) await until('quarantine', async () => (await stateOf(id)) === 'quarantined');
  const del = cli('quarantine', 'delete', '--all', '--tenant', 'acme', '--class', 'spam', '--reason', 'phishing');
  assert.equal(del.code, 0, del.err);
  assert.match(del.out, /^deleted 3 message\(s\)/);
  for (const id of ids) {
    const m = await t.gw.spool.getMessage(id);
    assert.equal(m?.state, 'done');
    assert.equal(m?.recipients[0]?.state, 'dropped');
  }
  const old = await submit(fixture('spam-phish.eml'), 'late@example.net');
  await until('quarantine', async () => (await stateOf(old)) === 'quarantined');
  assert.equal(await t.gw.policy.sweeper.sweep(), 0, 'not yet');
  clock.advance(30 * 86_400_000 + 1000);
  assert.equal(await t.gw.policy.sweeper.sweep(), 1);
  const m = await t.gw.spool.getMessage(old);
  assert.equal(m?.state, 'done');
  assert.equal(m?.recipients[0]?.state, 'expired');
  assert.equal((await eventsOf(old, 'quarantine-expired')).length, 1);
  const dsn = await until('the expiry DSN', async () => sink.messages.find((x) => x.mailFrom === '' && x.raw.toString().includes(old)));
  assert.match(dsn.raw.toString(), /not\s+released\s+within\s+30\s+days/);
});

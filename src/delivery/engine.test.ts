/**
 * End-to-end delivery on loopback: the real gateway, a real DNS server with MX
 * and A records, and SMTP sinks on their own 127.0.30.x addresses. A fake
 * clock drives retry schedules and queue age.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import { FakeClock } from '../core/clock.js';
import { startDnsServer, type DnsTestServer } from '../../test/support/dns-server.js';
import { accept, delay, receiverReplies, startSink, type Sink } from '../../test/support/smtp-sink.js';
import { startTestGateway, type TestGateway } from '../../test/support/gateway.js';

const PORT = 10025;
const IP1 = '127.0.30.100';
const IP2 = '127.0.30.101';
const HR = '127.0.30.200';
const clock = new FakeClock(Date.UTC(2026, 10, 27, 12, 0, 0));
let dns: DnsTestServer;
let t: TestGateway;
const sinks: Record<string, Sink> = {};

async function sink(name: string, host: string, opts: Parameters<typeof startSink>[0] extends infer O ? Partial<O> : never = {}): Promise<Sink> {
  const s = await startSink({ host, port: PORT, ...opts });
  sinks[name] = s;
  return s;
}

before(async () => {
  dns = await startDnsServer({
    host: '127.0.30.53',
    zone: {
      'pref.test': { MX: [{ exchange: 'mx1.pref.test', priority: 10 }, { exchange: 'mx2.pref.test', priority: 20 }] },
      'mx1.pref.test': { A: ['127.0.30.11'] }, // nothing listens there: connection refused
      'mx2.pref.test': { A: ['127.0.30.12'] },
      'implicit.test': { A: ['127.0.30.13'] },
      'acme.test': { MX: [{ exchange: 'mx.acme.test', priority: 10 }] },
      'mx.acme.test': { A: ['127.0.30.14'] },
      'gm.test': { MX: [{ exchange: 'mx.gm.test', priority: 5 }] },
      'mx.gm.test': { A: ['127.0.30.15'] },
      'other.test': { MX: [{ exchange: 'mx.other.test', priority: 5 }] },
      'mx.other.test': { A: ['127.0.30.16'] },
      'dead.test': { MX: [{ exchange: 'mx.dead.test', priority: 5 }] },
      'mx.dead.test': { A: ['127.0.30.17'] },
      'nomail.test': { MX: [{ exchange: '.', priority: 0 }] },
      'retry.test': { MX: [{ exchange: 'mx.retry.test', priority: 5 }] },
      'blocked.test': { MX: [{ exchange: 'mx.blocked.test', priority: 5 }] },
      'mx.blocked.test': { A: ['127.0.30.19'] },
      'warn.test': { MX: [{ exchange: 'mx.warn.test', priority: 5 }] },
      'mx.warn.test': { A: ['127.0.30.21'] },
      'mx.retry.test': { A: ['127.0.30.18'] },
    },
  });
  await sink('pref2', '127.0.30.12');
  await sink('implicit', '127.0.30.13');
  await sink('sender', '127.0.30.14');
  await sink('gm', '127.0.30.15', { mode: { mail: receiverReplies.gmailRateLimited } });
  await sink('other', '127.0.30.16', { tls: true });
  await sink('dead', '127.0.30.17', { mode: { connect: delay(20_000) } });
  await sink('retry', '127.0.30.18');
  // Blocks one of our IPs the way Microsoft does (S3140), accepts the other.
  await sink('blocked', '127.0.30.19', { behaviour: (ctx) => (ctx.phase === 'mail' && ctx.connection.remoteAddress === IP1 ? receiverReplies.microsoftBlocked : undefined) });
  await sink('warn', '127.0.30.21', { mode: { rcpt: receiverReplies.mailboxBusy } });
  t = await startTestGateway({
    host: '127.0.30.1',
    clock,
    config: {
      dns: { servers: [dns.server], timeout: '1s' },
      pools: {
        default: { ips: [{ ip: IP1, helo: 'out1.gw.test' }, { ip: IP2, helo: 'out2.gw.test' }] },
        'high-risk': { ips: [{ ip: HR, helo: 'risky.gw.test' }] },
      },
      delivery: { port: PORT, retrySchedule: ['5m', '10m'], maxQueueAge: '1h', delayWarningAfter: '20m', connectTimeout: '2s', commandTimeout: '5s', slowDownInitial: '10m' },
    },
  });
});

after(async () => {
  await t.stop();
  await Promise.all(Object.values(sinks).map((s) => s.close()));
  await dns.close();
});

async function send(to: string | string[], subject = 'test'): Promise<string> {
  const info = await nodemailer
    .createTransport({ host: t.host, port: t.smtpPort, auth: { user: t.tenant.user, pass: t.tenant.password }, tls: { rejectUnauthorized: false } })
    .sendMail({ from: 'ann@acme.test', to, subject, text: `hello ${subject}` });
  return /queued as (\S+)/.exec(info.response)![1]!;
}

async function waitState(id: string, pred: (rcpts: ReadonlyArray<{ rcpt: string; state: string }>) => boolean, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const m = await t.gw.spool.getMessage(id);
    if (m && pred(m.recipients)) return;
    if (Date.now() > end) assert.fail(`message ${id} did not reach the expected state: ${JSON.stringify(m?.recipients)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const all = (state: string) => (rs: ReadonlyArray<{ state: string }>) => rs.length > 0 && rs.every((r) => r.state === state);

describe('delivery', () => {
  test('MX preference with fallback: refused at MX 10, delivered at MX 20 from a pool IP with its EHLO name', async () => {
    const id = await send('bob@pref.test', 'pref');
    const [m] = await sinks['pref2']!.waitFor(1, 8000);
    assert.ok(m);
    assert.ok([IP1, IP2].includes(m.remoteAddress), m.remoteAddress);
    assert.equal(m.clientHostname, m.remoteAddress === IP1 ? 'out1.gw.test' : 'out2.gw.test');
    assert.match(m.raw.toString(), /Subject: pref/);
    await waitState(id, all('delivered'));
    const ev = (await t.gw.spool.events(id)).find((e) => e.type === 'delivered');
    assert.equal(ev?.data?.['mx'], 'mx2.pref.test');
    assert.equal(ev?.data?.['pool'], 'default');
  });

  test('implicit MX: a domain with only an A record', async () => {
    const id = await send('x@implicit.test', 'implicit');
    await sinks['implicit']!.waitFor(1, 8000);
    await waitState(id, all('delivered'));
  });

  test('opportunistic STARTTLS is used when offered, and recorded', async () => {
    const id = await send('tls@other.test', 'tls');
    await waitState(id, all('delivered'));
    const ev = (await t.gw.spool.events(id)).find((e) => e.type === 'delivered');
    assert.equal(ev?.data?.['tls'], true);
    assert.equal(sinks['other']!.messages.at(-1)?.secure, true);
  });

  test('5xx: exactly one DSN to the sender, from the high-risk pool, and no retry', async () => {
    sinks['retry']!.script('nobody@retry.test', receiverReplies.userUnknown);
    const before = sinks['sender']!.messages.length;
    const id = await send(['nobody@retry.test', 'fine@retry.test'], 'hardbounce');
    await waitState(id, (rs) => rs.find((r) => r.rcpt === 'nobody@retry.test')?.state === 'failed' && rs.find((r) => r.rcpt === 'fine@retry.test')?.state === 'delivered');
    const [dsn] = (await sinks['sender']!.waitFor(before + 1, 8000)).slice(before);
    assert.ok(dsn);
    assert.equal(dsn.mailFrom, '', 'DSNs use the null sender');
    assert.deepEqual(dsn.rcptTo, ['ann@acme.test']);
    assert.equal(dsn.remoteAddress, HR, 'DSNs leave from the high-risk pool');
    const text = dsn.raw.toString();
    assert.match(text, /report-type=delivery-status/);
    assert.match(text, /Final-Recipient: rfc822;\s*nobody@retry\.test/i);
    assert.match(text, /Status: 5\.1\.1/);
    assert.match(text, /Action: failed/);
    clock.advance(3_600_000);
    t.gw.engine.kick();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(sinks['sender']!.messages.length, before + 1, 'one DSN only');
    const attempts = (await t.gw.spool.events(id)).filter((e) => ['delivered', 'partially-delivered', 'deferred', 'bounced'].includes(e.type));
    assert.equal(attempts.length, 1, 'no retry after a 5xx');
  });

  test('4xx: retried on the configured schedule, then delivered', async () => {
    sinks['retry']!.script('later@retry.test', receiverReplies.mailboxBusy, receiverReplies.mailboxBusy, accept());
    const id = await send('later@retry.test', 'retry');
    const attempts = async (): Promise<number> => (await t.gw.spool.events(id)).filter((e) => e.type === 'deferred' || e.type === 'delivered').length;
    const waitAttempts = async (n: number): Promise<void> => {
      const end = Date.now() + 8000;
      while ((await attempts()) < n) {
        if (Date.now() > end) assert.fail(`expected ${n} attempts, saw ${await attempts()}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    await waitAttempts(1);
    clock.advance(5 * 60_000 - 1000);
    t.gw.engine.kick();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await attempts(), 1, 'not retried before 5 minutes');
    clock.advance(1000);
    t.gw.engine.kick();
    await waitAttempts(2);
    clock.advance(10 * 60_000);
    t.gw.engine.kick();
    await waitAttempts(3);
    await waitState(id, all('delivered'));
    const ev = await t.gw.spool.events(id);
    assert.deepEqual(ev.filter((e) => ['deferred', 'delivered'].includes(e.type)).map((e) => e.type), ['deferred', 'deferred', 'delivered']);
  });

  test('a message still deferred at the maximum queue age expires with a DSN', async () => {
    sinks['retry']!.script('never@retry.test', receiverReplies.mailboxBusy);
    const before = sinks['sender']!.messages.length;
    const id = await send('never@retry.test', 'expire');
    await waitState(id, (rs) => rs[0]?.state === 'queued' && true);
    for (let i = 0; i < 12; i++) {
      clock.advance(10 * 60_000);
      t.gw.engine.kick();
      await new Promise((r) => setTimeout(r, 150));
    }
    await waitState(id, all('expired'));
    const dsns = (await sinks['sender']!.waitFor(before + 1, 8000)).slice(before);
    const failure = dsns.find((d) => /Action: failed/.test(d.raw.toString()) && /never@retry\.test/.test(d.raw.toString()));
    assert.ok(failure, 'an expiry DSN was sent');
  });

  test('null MX fails at once with a DSN', async () => {
    const id = await send('x@nomail.test', 'nullmx');
    await waitState(id, all('failed'));
    const m = await t.gw.spool.getMessage(id);
    assert.equal(m?.recipients[0]?.reply?.enhanced, '5.1.10');
  });

  test('421-4.7.28 pauses that IP for that destination only; a dead destination does not delay others', async () => {
    const gmId = await send('a@gm.test', 'gm');
    const deadId = await send('a@dead.test', 'dead');
    await waitState(gmId, (rs) => rs[0]?.state === 'queued' && true);
    const ev = async () => (await t.gw.spool.events(gmId)).find((e) => e.type === 'deferred');
    const end = Date.now() + 8000;
    while (!(await ev()) && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
    const deferred = await ev();
    assert.equal(deferred?.data?.['incident'], 'slow-down');
    const ip = deferred?.data?.['ip'] as string;
    assert.ok(t.gw.engine.throttles.pausedFor(ip, 'gm.test') > 0, 'that IP is paused for gm.test');
    assert.equal(t.gw.engine.throttles.pausedFor(ip, 'other.test'), 0, 'not for other destinations');
    const started = Date.now();
    const otherId = await send('b@other.test', 'other-during-pause');
    await waitState(otherId, all('delivered'), 5000);
    assert.ok(Date.now() - started < 4000, 'delivery elsewhere is not held up by the dead or paused destination');
    const m = await t.gw.spool.getMessage(deadId);
    assert.notEqual(m?.recipients[0]?.state, 'delivered');
  });

  test("'IP blocked' (S3140) is an IP incident: that IP is paused for the destination and another IP of the pool delivers", async () => {
    t.gw.pools.disable(IP2, 'test: force the first attempt through IP1');
    const id = await send('a@blocked.test', 'blocked');
    const end = Date.now() + 8000;
    let incident;
    while (!(incident = (await t.gw.spool.events(id)).find((e) => e.data?.['incident'] === 'ip-blocked')) && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
    assert.ok(incident, 'the block-list reply was recorded as an IP incident');
    assert.equal(incident.data?.['ip'], IP1);
    assert.equal(incident.type, 'deferred', 'the recipient is not failed for an IP problem');
    assert.ok(t.gw.engine.throttles.pausedFor(IP1, 'blocked.test') > 0, 'IP1 is paused for that destination');
    assert.equal(t.gw.engine.throttles.pausedFor(IP1, 'other.test'), 0, 'and only for that destination');
    // With no other IP in rotation the job went back to the spool until IP1's pause ends.
    t.gw.pools.enable(IP2);
    clock.advance(10 * 60_000);
    t.gw.engine.kick();
    await waitState(id, all('delivered'), 10_000);
    assert.equal(sinks['blocked']!.messages.at(-1)?.remoteAddress, IP2, 'delivered from the other IP of the pool');
    assert.ok((await t.gw.spool.events(id)).every((e) => e.type !== 'bounced'), 'a block-list reply never bounces the message');
  });

  test('a delay warning DSN goes to the sender once a message has waited delayWarningAfter', async () => {
    const before = sinks['sender']!.messages.length;
    const id = await send('slow@warn.test', 'warn');
    await waitState(id, (rs) => rs[0]?.state === 'queued' && true);
    for (let i = 0; i < 5; i++) {
      clock.advance(10 * 60_000);
      t.gw.engine.kick();
      await new Promise((r) => setTimeout(r, 200));
    }
    const got = (await sinks['sender']!.waitFor(before + 1, 8000)).slice(before);
    const warnings = got.filter((m) => /Action: delayed/.test(m.raw.toString()) && /slow@warn\.test/.test(m.raw.toString()));
    assert.equal(warnings.length, 1, 'exactly one delay warning');
    assert.match(warnings[0]!.raw.toString(), /Status: 4\.2\.1/);
    assert.match(warnings[0]!.raw.toString(), /Will-Retry-Until:/);
  });

  test('an IP taken out of rotation opens no new connections', async () => {
    t.gw.pools.disable(IP1, 'test');
    try {
      const before = sinks['implicit']!.messages.length;
      for (let i = 0; i < 3; i++) await send(`r${i}@implicit.test`, `rot${i}`);
      const got = (await sinks['implicit']!.waitFor(before + 3, 8000)).slice(before);
      assert.ok(got.every((m) => m.remoteAddress === IP2), got.map((m) => m.remoteAddress).join(','));
    } finally {
      t.gw.pools.enable(IP1);
    }
  });
});


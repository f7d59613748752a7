/**
 * Graceful stop and restart, end to end with the in-process gateway:
 *  (a) stop() (what SIGTERM calls) closes the submission listeners at once,
 *      waits for a delivery that is in DATA at the receiver, records it
 *      delivered, then returns;
 *  (b) mail queued while delivery is on hold is delivered after a restart on
 *      the same data directory without hold, each message exactly once.
 * Addresses 127.0.62.x; everything is on port 0.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { delay, startSink, type Sink } from './support/smtp-sink.js';
import { rawSmtp } from './support/raw-smtp.js';
import { SqliteSpool } from '../src/spool/sqlite/sqlite-spool.js';

/** Submits one message over plain SMTP + AUTH PLAIN (allowed on loopback); returns the queue id. */
async function submit(tg: TestGateway, rcpt: string): Promise<string> {
  const s = await rawSmtp(tg.host, tg.smtpPort);
  try {
    assert.match(await s.read(), /^220 /);
    assert.match(await s.cmd('EHLO client.test'), /^250[ -]/);
    assert.match(await s.authPlain(tg.tenant.user, tg.tenant.password), /^235 /);
    assert.match(await s.cmd('MAIL FROM:<ann@acme.test>'), /^250 /);
    assert.match(await s.cmd(`RCPT TO:<${rcpt}>`), /^250 /);
    assert.match(await s.cmd('DATA'), /^354 /);
    const done = await s.cmd(`From: ann@acme.test\r\nTo: ${rcpt}\r\nSubject: graceful stop\r\n\r\nhello ${rcpt}\r\n.`);
    const id = /queued as (\S+)/.exec(done)?.[1];
    assert.ok(id, `submission accepted: ${done}`);
    await s.cmd('QUIT');
    return id;
  } finally {
    s.close();
  }
}

/** Resolves with the error code of a TCP connect attempt, or 'connected'. */
function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.once('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

async function until(cond: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`${what}: not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('stop() refuses new connections, waits for the delivery in DATA and records it delivered', { timeout: 15_000 }, async () => {
  let inData!: () => void;
  const reachedData = new Promise<void>((r) => (inData = r));
  const sink: Sink = await startSink({
    host: '127.0.62.20',
    behaviour: (ctx) => {
      if (ctx.phase === 'data') inData();
      return undefined; // fall through to the mode: answer the end of data after 1.5 s
    },
  });
  sink.setMode({ data: delay(1500) });
  let tg: TestGateway | undefined;
  try {
    tg = await startTestGateway({
      host: '127.0.62.1',
      config: {
        routes: [{ match: 'slow.test', host: '127.0.62.20', port: sink.port }],
        pools: { default: { ips: [{ ip: '127.0.62.100', helo: 'out.graceful.test' }] } },
        delivery: { shutdownGrace: '10s' },
      },
    });
    const id = await submit(tg, 'rcpt@slow.test');
    await Promise.race([reachedData, new Promise((_, rej) => setTimeout(() => rej(new Error('delivery never reached DATA')), 5000))]);

    const t0 = Date.now();
    const stopping = tg.stop();
    const afterStopBegan = await tryConnect(tg.host, tg.smtpPort);
    await stopping;
    const took = Date.now() - t0;

    assert.equal(afterStopBegan, 'ECONNREFUSED', 'a new SMTP connection is refused once stop() has begun');
    assert.ok(took >= 1000, `stop() waited for the in-flight transaction (took ${took} ms)`);
    assert.ok(took < 8000, `stop() did not wait for the whole grace period (took ${took} ms)`);
    assert.equal(sink.messages.length, 1, 'the receiver accepted the message');
    assert.equal(await tryConnect(tg.host, tg.smtpPort), 'ECONNREFUSED', 'still refused after stop()');

    const spool = new SqliteSpool(join(tg.dataDir, 'spool.db'));
    try {
      const m = await spool.getMessage(id);
      assert.equal(m?.state, 'done', 'the message is done in the spool');
      assert.deepEqual(m?.recipients.map((r) => r.state), ['delivered']);
      assert.deepEqual(m?.jobs.map((j) => j.state), ['done']);
    } finally {
      await spool.close();
    }
  } finally {
    await tg?.stop();
    await sink.close();
  }
});

test('mail queued on hold is delivered once after a restart without hold', { timeout: 15_000 }, async () => {
  const sink = await startSink({ host: '127.0.62.21' });
  const dataDir = mkdtempSync(join(tmpdir(), 'outpost-graceful-'));
  const routes = [{ match: 'slow.test', host: '127.0.62.21', port: sink.port }];
  const pools = { default: { ips: [{ ip: '127.0.62.101', helo: 'out.graceful.test' }] } };
  const rcpts = ['a@slow.test', 'b@slow.test', 'c@slow.test', 'd@slow.test', 'e@slow.test'];
  let first: TestGateway | undefined;
  let second: TestGateway | undefined;
  try {
    first = await startTestGateway({ host: '127.0.62.2', dataDir, config: { routes, pools, delivery: { hold: true } } });
    const ids: string[] = [];
    for (const r of rcpts) ids.push(await submit(first, r));
    const spool1 = first.gw.spool;
    await until(async () => (await spool1.counts()).messages['active'] === rcpts.length, 5000, 'all messages routed to delivery jobs');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(sink.stats.connections, 0, 'nothing is delivered while on hold');
    await first.stop();

    second = await startTestGateway({ host: '127.0.62.2', dataDir, config: { routes, pools } });
    await sink.waitFor(rcpts.length, 8000);
    const spool2 = second.gw.spool;
    await until(async () => {
      const views = await Promise.all(ids.map((id) => spool2.getMessage(id)));
      return views.every((v) => v?.state === 'done');
    }, 5000, 'every message done in the spool');
    await new Promise((r) => setTimeout(r, 300)); // time for a duplicate to show up, if there were one
    const seen = sink.messages.flatMap((m) => m.rcptTo).sort();
    assert.deepEqual(seen, [...rcpts].sort(), 'each queued message reached the receiver exactly once');
    for (const id of ids) {
      const m = await spool2.getMessage(id);
      assert.deepEqual(m?.recipients.map((r) => r.state), ['delivered'], `message ${id} recorded delivered`);
    }
  } finally {
    await first?.stop();
    await second?.stop();
    await sink.close();
  }
});

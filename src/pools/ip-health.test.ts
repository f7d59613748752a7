/**
 * Warm-up and blocked-reply incidents in a running gateway, delivering to SMTP
 * sinks on loopback that record the client IP: once an IP has used its daily
 * warm-up quota the pool's mail leaves from its other IP; with no IP left
 * with quota the mail waits for the next UTC day; a receiver's "IP blocked"
 * reply opens an IP incident (alert event, visible in the explanation) without
 * changing rotation.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import { FakeClock } from '../core/clock.js';
import type { PlatformEvent } from '../events/bus.js';
import { startDnsServer, type DnsTestServer } from '../../test/support/dns-server.js';
import { receiverReplies, startSink, type Sink } from '../../test/support/smtp-sink.js';
import { startTestGateway, type TestGateway } from '../../test/support/gateway.js';
import { formatExplanation } from './explain.js';

const IP1 = '127.0.88.10';
const IP2 = '127.0.88.11';
const HR = '127.0.88.20';
const clock = new FakeClock(Date.UTC(2026, 10, 27, 12, 0, 0));
let dns: DnsTestServer;
let t: TestGateway;
let dest: Sink;
let blocks: Sink;
const events: PlatformEvent[] = [];

before(async () => {
  dns = await startDnsServer({
    host: '127.0.88.53',
    zone: {
      'dest.test': { MX: [{ exchange: 'mx.dest.test', priority: 10 }] },
      'mx.dest.test': { A: ['127.0.88.30'] },
      'blocks.test': { MX: [{ exchange: 'mx.blocks.test', priority: 10 }] },
      'mx.blocks.test': { A: ['127.0.88.31'] },
      'acme.test': { MX: [{ exchange: 'mx.dest.test', priority: 10 }] },
    },
  });
  // One delivery port for every MX: the first sink picks a free one, the second (another address) takes the same.
  dest = await startSink({ host: '127.0.88.30', port: 0 });
  blocks = await startSink({ host: '127.0.88.31', port: dest.port, behaviour: (ctx) => (ctx.phase === 'mail' && ctx.connection.remoteAddress === IP2 ? receiverReplies.microsoftBlocked : undefined) });
  t = await startTestGateway({
    host: '127.0.88.1',
    clock,
    config: {
      dns: { servers: [dns.server], timeout: '1s' },
      pools: {
        default: { ips: [{ ip: IP1, helo: 'warm.gw.test', warmup: { schedule: [3] } }, { ip: IP2, helo: 'old.gw.test' }] },
        'high-risk': { ips: [{ ip: HR, helo: 'risky.gw.test' }] },
      },
      delivery: { port: dest.port, connectTimeout: '2s', commandTimeout: '5s', idleConnectionTime: 0 },
    },
  });
  t.gw.events.on((e) => events.push(e));
});

after(async () => {
  await t.stop();
  await Promise.all([dest.close(), blocks.close()]);
  await dns.close();
});

async function send(to: string, subject: string): Promise<void> {
  await nodemailer
    .createTransport({ host: t.host, port: t.smtpPort, auth: { user: t.tenant.user, pass: t.tenant.password }, tls: { rejectUnauthorized: false } })
    .sendMail({ from: 'ann@acme.test', to, subject, text: `hello ${subject}` });
}

const from = (ip: string): number => dest.messages.filter((m) => m.remoteAddress === ip).length;

describe('warm-up and IP incidents', () => {
  test('an IP that used its warm-up quota is skipped: the pool sends the rest through its other IP', async () => {
    // Only the warming IP in rotation: it sends exactly its day-1 quota of 3.
    t.gw.pools.disable(IP2, 'test: only the warming IP');
    for (let i = 0; i < 3; i++) await send(`a${i}@dest.test`, `warm ${i}`);
    await dest.waitFor(3, 8000);
    assert.equal(from(IP1), 3);
    assert.equal(t.gw.ipHealth.warmup.remaining(IP1), 0);
    const e = t.gw.ipHealth.explain(IP1);
    assert.equal(e.rotation, 'quota-used');
    assert.match(formatExplanation(e), /warm-up day 1 of 1: 3\/3 messages sent today \(UTC\): quota used, the pool sends through its other IPs until 00:00 UTC/);

    // The other IP back in rotation: everything else leaves from it.
    t.gw.pools.enable(IP2);
    for (let i = 0; i < 5; i++) await send(`b${i}@dest.test`, `rest ${i}`);
    await dest.waitFor(8, 8000);
    assert.equal(from(IP1), 3, 'not one more message from the warming IP');
    assert.equal(from(IP2), 5);
    assert.equal(t.gw.ipHealth.warmup.status(IP1)?.used, 3);
  });

  test('a receiver\'s "blocked" reply opens an IP incident with an alert; rotation is unchanged', async () => {
    await send('c@blocks.test', 'blocked');
    const deadline = Date.now() + 8000;
    while (!events.some((e) => e.type === 'alert' && e.data['kind'] === 'ip-blocked')) {
      if (Date.now() > deadline) assert.fail('no ip-blocked alert');
      await new Promise((r) => setTimeout(r, 25));
    }
    const alert = events.find((e) => e.type === 'alert' && e.data['kind'] === 'ip-blocked')!;
    assert.equal(alert.data['ip'], IP2);
    assert.equal(alert.data['destination'], 'blocks.test');
    assert.match(String(alert.data['reply']), /^550 5\.7\.1 .*S3140/);
    const e = t.gw.ipHealth.explain(IP2);
    assert.equal(e.rotation, 'in', 'one receiver blocking an IP does not take it out of rotation');
    assert.equal(e.blocked.length, 1);
    assert.match(e.why.join('\n'), /blocked by blocks\.test since 2026-11-27T12:00:00Z \(1 reply, last .*\): 550 5\.7\.1 .*S3140.*that destination is paused for this IP/);
  });

  test('with no IP left with quota the mail waits for the next UTC day, then leaves', async () => {
    t.gw.pools.disable(IP2, 'test: only the warming IP');
    const before = dest.messages.length;
    await send('d@dest.test', 'waits');
    const deadline = Date.now() + 8000;
    while (!t.logLines.some((l) => l.includes('every IP in rotation of pool default has used its warm-up quota for today'))) {
      if (Date.now() > deadline) assert.fail('the engine did not hold the mail for the quota');
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.equal(dest.messages.length, before, 'nothing sent over quota');
    clock.advance(12 * 3600_000); // 00:00 UTC: a new day; the 1-day schedule is over
    const [m] = (await dest.waitFor(before + 1, 8000)).slice(before);
    assert.equal(m?.remoteAddress, IP1);
    assert.equal(t.gw.ipHealth.warmup.status(IP1)?.limit, null);
  });
});

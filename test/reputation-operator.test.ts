/**
 * Operator control over a live gateway (real SMTP in and out, real DNS):
 * `outpost tenant suspend` refuses the tenant's submissions with a clear
 * 5.7.1 and holds its queued mail (not sent, not lost), the operator gets the
 * alert e-mail, `outpost tenant reputation` shows the standing, the figures,
 * the thresholds and the transition, and `outpost tenant reinstate` lets the
 * held mail go.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { startDnsServer, type DnsTestServer } from './support/dns-server.js';
import { reply, startSink, type Sink } from './support/smtp-sink.js';

const BIN = fileURLToPath(new URL('../../bin/outpost.js', import.meta.url));
let dns: DnsTestServer;
let sink: Sink;
let t: TestGateway;
let configFile: string;

before(async () => {
  sink = await startSink({ host: '127.0.148.10', mode: { rcpt: reply(451, '4.2.1 Mailbox busy, try later') } });
  const mx = { MX: [{ exchange: 'mx.sink.test', priority: 10 }] };
  dns = await startDnsServer({ host: '127.0.148.53', zone: { 'dest.test': mx, 'ops.test': mx, 'mx.sink.test': { A: ['127.0.148.10'] } } });
  t = await startTestGateway({
    host: '127.0.148.20',
    config: {
      dns: { servers: [dns.server], timeout: '2s' },
      delivery: { port: sink.port, tls: { mode: 'none' }, retrySchedule: ['1s'], idleConnectionTime: 0 },
      pools: { default: { ips: [{ ip: '127.0.148.1', helo: 'out.test' }] }, 'high-risk': { ips: [{ ip: '127.0.148.2', helo: 'out-hr.test' }] } },
      reputation: { enabled: true, persistEvery: '1s' },
      alerts: { email: 'ops@ops.test' },
    },
  });
  configFile = join(t.dataDir, 'cli.yaml');
  writeFileSync(configFile, `dataDir: ${t.dataDir}\n`);
});

after(async () => {
  await t?.stop();
  await sink?.close();
  await dns?.close();
});

const cli = (...a: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...a, '--config', configFile], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

async function until(what: string, f: () => boolean | Promise<boolean>, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > end) assert.fail(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const send = async (to: string): Promise<string> => {
  const info = await nodemailer
    .createTransport({ host: t.host, port: t.smtpPort, auth: { user: t.tenant.user, pass: t.tenant.password }, tls: { rejectUnauthorized: false } })
    .sendMail({ envelope: { from: 'ann@acme.test', to: [to] }, raw: Buffer.from(`From: <ann@acme.test>\r\nTo: <${to}>\r\nSubject: invoice\r\n\r\nYour invoice is attached.\r\n`) });
  return /queued as (\S+)/.exec(String(info.response))![1]!;
};

test('suspend refuses and holds, the operator is alerted, reputation explains, reinstate releases', { timeout: 60_000 }, async () => {
  const ids = [await send('a1@dest.test'), await send('a2@dest.test'), await send('a3@dest.test')];
  await until('first attempts deferred', async () => {
    for (const id of ids) if (!(await t.gw.spool.getMessage(id))?.jobs.every((j) => j.attempts >= 1)) return false;
    return true;
  });

  const s = cli('tenant', 'suspend', 'acme', '--reason', 'compromised account, password reset pending');
  assert.equal(s.code, 0, s.err);
  assert.match(s.out, /tenant acme: normal -> suspended/);
  await until('gateway adopts the suspension', () => t.gw.reputation.standing('acme') === 'suspended', 3000);
  sink.setMode({}); // the receiver would take the mail now: it must stay held
  await assert.rejects(send('a4@dest.test'), (e: Error) => {
    assert.match(e.message, /550 5\.7\.1 Sending is suspended for this account .*\(compromised account, password reset pending\)/);
    return true;
  });
  await sink.waitUntil((x) => x.messages.some((m) => m.rcptTo.includes('ops@ops.test') && /tenant acme: normal -> suspended \(operator\)/.test(m.raw.toString())), 8000, 'alert e-mail');
  await new Promise((r) => setTimeout(r, 3000)); // three retry periods
  assert.equal(sink.messages.filter((m) => m.rcptTo[0]?.endsWith('@dest.test')).length, 0, 'held mail was sent');
  for (const id of ids) {
    const v = (await t.gw.spool.getMessage(id))!;
    assert.equal(v.state, 'active');
    assert.ok(v.jobs.every((j) => j.state === 'queued'), JSON.stringify(v.jobs));
  }

  const r = cli('tenant', 'reputation', 'acme');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^standing: +suspended since \d{4}-/m);
  assert.match(r.out, /^why: +compromised account, password reset pending$/m);
  assert.match(r.out, /^messages +3 +3 +3 +3$/m, r.out);
  assert.match(r.out, /^spam-share +spamShare +short +0 +0\/20 +0\.020 +0\.050 +0\.100 +0\.500 +below floor$/m, r.out);
  assert.match(r.out, /normal -> suspended +\(operator, by operator\)/);
  const json = JSON.parse(cli('tenant', 'reputation', 'acme', '--json').out) as { standing: string; history: Array<{ to: string }>; rules: unknown[] };
  assert.equal(json.standing, 'suspended');
  assert.equal(json.history[0]!.to, 'suspended');
  assert.ok(json.rules.length >= 9);
  const hist = cli('tenant', 'history', 'acme');
  assert.match(hist.out, /^\d{4}-\S+ {2}normal → suspended {2}by operator \(operator\): compromised account, password reset pending$/m, hist.out);

  const back = cli('tenant', 'reinstate', 'acme');
  assert.equal(back.code, 0, back.err);
  await until('gateway adopts the reinstatement', () => t.gw.reputation.standing('acme') === 'normal', 3000);
  await sink.waitUntil((x) => x.messages.filter((m) => m.rcptTo[0]?.endsWith('@dest.test')).length === 3, 10_000, 'held mail delivered after reinstate');
  await send('a5@dest.test');
  assert.equal(cli('tenant', 'reinstate', 'acme').err.trim(), 'outpost: tenant acme is already normal');
  assert.match(cli('tenant', 'suspend', 'acme').err, /--reason/);
  assert.match(cli('tenant', 'reputation', 'ghost').err, /no tenant named "ghost"/);
});

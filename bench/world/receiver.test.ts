import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDnsServer } from '../../test/support/dns-server.js';
import { parseReplyText } from '../../src/core/smtp-reply.js';
import { classifyReply } from '../../src/delivery/reply-rules.js';
import { parseFeedback } from '../../src/feedback/index.js';
import { Blocklist, createDnsblLookup } from './blocklist.js';
import { composeMessage } from './corpus.js';
import { LabelReader, LabelWriter, type Label } from './labels.js';
import { sendOnce } from './outbox.js';
import { mailboxExists, startReceiver, type OutgoingReport, type ReceiverLogEntry } from './receiver.js';
import { parseScenario } from './scenario.js';
import { JsonlLog } from './world-log.js';

const SRC_BAD = '127.0.92.10';
const SRC_GOOD = '127.0.92.11';

function msg(mid: string, to: string): Buffer {
  return composeMessage(Buffer.from('Subject: hello\r\nContent-Type: text/plain\r\n\r\nbody\r\n'), { from: 'notify@t1.test', to, messageId: mid, date: new Date(0) });
}

const classOf = (reply: string): string => {
  const c = classifyReply(parseReplyText(reply));
  return `${c.class}/${c.category ?? ''}`;
};

test('mailboxes: userNNNN up to the configured count exist, nothing else', () => {
  const spec = { domain: 'p.test', mailboxes: 20 };
  assert.ok(mailboxExists(spec, 'user0001@p.test'));
  assert.ok(mailboxExists(spec, 'USER0020@P.TEST'));
  assert.ok(!mailboxExists(spec, 'user0021@p.test'));
  assert.ok(!mailboxExists(spec, 'user0000@p.test'));
  assert.ok(!mailboxExists(spec, 'user0001@q.test'));
  assert.ok(!mailboxExists(spec, 'xabc@p.test'));
});

test('providers: reputation from labels, 4.7.28 deferral, block-list listing and 5.7.1 rejection elsewhere, unknown users, ARF and DSN', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'world-rcv-'));
  const labelsFile = join(dir, 'labels.jsonl');
  const labels: Label[] = [];
  for (let i = 0; i < 8; i++) labels.push({ mid: `spam.${i}@t1.test`, tenant: 'cp-01', kind: 'compromised', spam: true, phase: 'bad', rcpt: `user000${i + 1}@gmail.world.test`, valid: true, at: i });
  labels.push({ mid: 'ham.1@t2.test', tenant: 'tx-01', kind: 'transactional', spam: false, phase: 'honest', rcpt: 'user0001@mail.world.test', valid: true, at: 0 });
  labels.push({ mid: 'spam.y@t1.test', tenant: 'cp-01', kind: 'compromised', spam: true, phase: 'bad', rcpt: 'user0002@yahoo.world.test', valid: true, at: 0 });
  labels.push({ mid: 'spam.u@t1.test', tenant: 'cp-01', kind: 'compromised', spam: true, phase: 'bad', rcpt: 'xzz@yahoo.world.test', valid: false, at: 0 });
  new LabelWriter(labelsFile).write(labels);
  const s = parseScenario({
    receivers: [
      { domain: 'gmail.world.test', style: 'gmail', usesBlocklist: false, reputation: { window: '60s', minMessages: 5, spamShare: 0.5, deferFor: '60s' }, complaints: { spam: 0 } },
      { domain: 'mail.world.test', style: 'generic', reportsToBlocklist: false, complaints: { spam: 0 } },
      { domain: 'yahoo.world.test', style: 'yahoo', unknownRecipients: 'bounce', complaints: { spam: 1, delay: 0 } },
    ],
    tenants: [{ kind: 'transactional', count: 1 }],
    runs: [{ name: 'x' }],
  });
  const dns = await startDnsServer({ host: '127.0.92.53', negativeTtl: 1 });
  const blocklist = new Blocklist(dns, 'bl.world.test', 60_000, () => 0);
  const entries: ReceiverLogEntry[] = [];
  const log = new JsonlLog<ReceiverLogEntry>(join(dir, 'r.jsonl'), (e) => entries.push(e));
  const sent: OutgoingReport[] = [];
  const reader = new LabelReader(labelsFile);
  const lookup = createDnsblLookup(dns.server, 'bl.world.test', 0);
  const receivers = await Promise.all(
    s.receivers.map((spec, i) =>
      startReceiver({ spec, host: `127.0.92.${i + 1}`, port: 0, seed: 1, labels: reader, blocklist, isListed: lookup, now: () => 0, log, fblAddress: 'fbl@outpost.world.test', send: (r) => sent.push(r) }),
    ),
  );
  const [gmail, generic, yahoo] = receivers as [typeof receivers[0], typeof receivers[0], typeof receivers[0]];
  const send = (r: typeof gmail, from: string, mid: string, to: string): Promise<string> => sendOnce(r.host, r.port, 'mta1.outpost.world.test', 'b-1@outpost.world.test', to, msg(mid, to), from);
  try {
    for (let i = 0; i < 5; i++) assert.match(await send(gmail, SRC_BAD, `spam.${i}@t1.test`, `user000${i + 1}@gmail.world.test`), /^250/);
    assert.ok(blocklist.isListed(SRC_BAD), 'the fifth spam message tripped the threshold and the provider listed the IP');
    const deferred = await send(gmail, SRC_BAD, 'spam.5@t1.test', 'user0006@gmail.world.test');
    assert.match(deferred, /^421-4\.7\.28 /);
    assert.equal(classOf(deferred), 'slow-down/slow-down', "the gateway's reply rules read it as a rate limit of our IP");
    const rejected = await send(generic, SRC_BAD, 'spam.6@t1.test', 'user0001@mail.world.test');
    assert.match(rejected, /^550 5\.7\.1 .*listed at bl\.world\.test/);
    assert.equal(classOf(rejected), 'ip-blocked/ip-blocked');
    assert.match(await send(generic, SRC_GOOD, 'ham.1@t2.test', 'user0001@mail.world.test'), /^250/, 'an unlisted IP is accepted');
    const unknown = await send(gmail, SRC_GOOD, 'x@t', 'nobody@gmail.world.test');
    assert.match(unknown, /^550-5\.1\.1 /);
    assert.equal(classOf(unknown), 'permanent/mailbox-unknown');

    // Yahoo-like: accepts unknown users and bounces later; users report all spam.
    assert.match(await send(yahoo, SRC_GOOD, 'spam.u@t1.test', 'xzz@yahoo.world.test'), /^250/);
    assert.match(await send(yahoo, SRC_GOOD, 'spam.y@t1.test', 'user0002@yahoo.world.test'), /^250/);
    const dsn = sent.find((r) => r.kind === 'dsn');
    assert.ok(dsn);
    assert.equal(dsn.to, 'b-1@outpost.world.test', 'the DSN goes to the envelope sender');
    const d = await parseFeedback(dsn.raw);
    assert.equal(d.kind, 'bounce');
    assert.equal(d.recipients[0]?.rcpt, 'xzz@yahoo.world.test');
    const arf = sent.find((r) => r.kind === 'arf');
    assert.ok(arf);
    assert.equal(arf.to, 'fbl@outpost.world.test');
    const a = await parseFeedback(arf.raw);
    assert.equal(a.kind, 'complaint');
    assert.equal(a.original?.messageId, 'spam.y@t1.test');
    assert.equal(a.complaint?.userAgent, 'Yahoo!-Mail-Feedback/2.0');

    // The providers' logs carry the labels from the side channel.
    const g = entries.filter((e) => e.rcv === 'gmail.world.test');
    assert.equal(g.filter((e) => e.ev === 'accepted').length, 5);
    assert.ok(g.filter((e) => e.ev === 'accepted').every((e) => e.spam === true && e.tenant === 'cp-01' && e.ip === SRC_BAD));
    assert.equal(g.filter((e) => e.ev === 'tripped').length, 1);
    assert.deepEqual(g.filter((e) => e.ev === 'deferred').map((e) => [e.mid, e.code]), [['spam.5@t1.test', 421]]);
    assert.deepEqual(g.filter((e) => e.ev === 'rcpt-unknown').map((e) => [e.rcpt, e.code]), [['nobody@gmail.world.test', 550]]);
    const m = entries.filter((e) => e.rcv === 'mail.world.test');
    assert.deepEqual(m.map((e) => [e.ev, e.ip, e.kind]), [['rejected-listed', SRC_BAD, 'compromised'], ['accepted', SRC_GOOD, 'transactional']]);
    assert.equal(m[1]!.listed, false);
    assert.deepEqual(entries.filter((e) => e.rcv === 'yahoo.world.test').map((e) => [e.ev, e.valid]), [['accepted-unknown', false], ['accepted', true]]);
  } finally {
    await Promise.all(receivers.map((r) => r.close()));
    blocklist.closeAll();
    await dns.close();
    await log.close();
  }
});

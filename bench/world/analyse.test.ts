import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyseRun } from './analyse.js';
import type { Label } from './labels.js';
import { substitute } from './run.js';

const jsonl = (xs: readonly object[]): string => xs.map((x) => JSON.stringify(x)).join('\n') + '\n';

test('overlay placeholders are replaced; a lone placeholder keeps the value type', () => {
  const vars = { 'feedback.host': '127.88.0.26', 'feedback.port': 2525, 'dns.server': '127.88.0.53:5353' };
  assert.deepEqual(substitute({ a: { host: '${feedback.host}', port: '${feedback.port}', list: ['${dns.server}', 'x ${feedback.port}'] }, b: 1, c: '${unknown}' }, vars), {
    a: { host: '127.88.0.26', port: 2525, list: ['127.88.0.53:5353', 'x 2525'] },
    b: 1,
    c: '${unknown}',
  });
});

test('the report numbers come from the providers\' logs, submissions and events', () => {
  const dir = mkdtempSync(join(tmpdir(), 'world-an-'));
  const D = ['10.0.1.1', '10.0.1.2'], H = ['10.0.2.1'];
  writeFileSync(join(dir, 'meta.json'), JSON.stringify({
    run: 'x', label: 'X', startedAt: '', sendingMs: 20_000, totalMs: 30_000, drained: true, pools: { default: D, 'high-risk': H }, receivers: ['p.test'],
    tenants: [{ id: 'tx-01', kind: 'transactional' }, { id: 'nl-01', kind: 'newsletter' }, { id: 'cp-01', kind: 'compromised', badFrom: 10_000 }, { id: 'cp-02', kind: 'compromised', badFrom: 10_000 }],
    feedbackIntake: false, gatewayConfig: {}, loadAverage: [0, 0], queueAtEnd: { messages: {}, recipients: {} },
  }));
  const L = (mid: string, tenant: string, kind: Label['kind'], at: number, o: Partial<Label> = {}): Label => ({ mid, tenant, kind, spam: false, phase: 'honest', rcpt: `${mid}@p.test`, valid: true, at, ...o });
  const labels = [
    L('h1', 'tx-01', 'transactional', 1000), L('h2', 'tx-01', 'transactional', 2000), L('h3', 'tx-01', 'transactional', 6000), L('h4', 'tx-01', 'transactional', 7000),
    L('n1', 'nl-01', 'newsletter', 1000), L('n2', 'nl-01', 'newsletter', 1100, { valid: false }),
    L('s1', 'cp-01', 'compromised', 10_000, { spam: true, phase: 'bad' }), L('s2', 'cp-01', 'compromised', 11_000, { spam: true, phase: 'bad' }), L('s3', 'cp-01', 'compromised', 12_000, { spam: true, phase: 'bad' }),
    L('s4', 'cp-02', 'compromised', 10_000, { spam: true, phase: 'bad' }), L('s5', 'cp-02', 'compromised', 11_000, { spam: true, phase: 'bad' }),
  ];
  writeFileSync(join(dir, 'labels.jsonl'), jsonl(labels));
  const R = (t: number, ev: string, ip: string, mid: string, extra: object = {}): object => ({ t, rcv: 'p.test', ev, ip, mid, ...extra });
  writeFileSync(join(dir, 'receiver-p.test.jsonl'), jsonl([
    R(1100, 'accepted', D[0]!, 'h1', { listed: false }),
    R(2100, 'deferred', D[1]!, 'h2'), R(5000, 'accepted', D[0]!, 'h2', { listed: true }),
    R(6100, 'rejected-listed', D[1]!, 'h3'),
    // h4 never arrives.
    R(1200, 'accepted', H[0]!, 'n1'),
    R(10_100, 'accepted', D[0]!, 's1'), R(11_100, 'accepted', D[1]!, 's2'), R(12_100, 'accepted', H[0]!, 's3'),
    R(10_100, 'accepted', H[0]!, 's4'),
  ]));
  const S = (t: number, tenant: string, mid: string, result: string, code = 250, reply = '250 2.0.0 Ok: queued as g'): object => ({ t, tenant, mid, seq: 0, attempt: 1, stage: 'end', code, reply, result, ms: 5 });
  writeFileSync(join(dir, 'submissions.jsonl'), jsonl([
    S(1000, 'tx-01', 'h1', 'accepted'), S(2000, 'tx-01', 'h2', 'accepted'), S(6000, 'tx-01', 'h3', 'accepted'), S(7000, 'tx-01', 'h4', 'accepted'),
    S(1000, 'nl-01', 'n1', 'accepted'), S(1100, 'nl-01', 'n2', 'accepted'),
    S(10_000, 'cp-01', 's1', 'accepted'), S(11_000, 'cp-01', 's2', 'accepted'), S(12_000, 'cp-01', 's3', 'accepted'),
    S(10_000, 'cp-02', 's4', 'accepted'), S(11_000, 'cp-02', 's5', 'refused', 550, '550 5.7.1 Tenant suspended'),
  ]));
  writeFileSync(join(dir, 'events.jsonl'), jsonl([{ t: 11_500, type: 'tenant-state-changed', tenantId: 'cp-01', data: { from: 'watch', to: 'high-risk-only' } }]));
  writeFileSync(join(dir, 'listings.json'), JSON.stringify([{ ip: D[0], by: 'p.test', from: 4000, to: 9000, reason: '' }, { ip: H[0], by: 'p.test', from: 12_000, reason: '' }]));

  const r = analyseRun(dir, 5000);
  assert.equal(r.honest.sent, 5, 'the stale newsletter address is not counted as sent');
  assert.equal(r.honest.staleSent, 1);
  assert.equal(r.honest.delivered, 3);
  assert.equal(r.honest.everDeferred, 1);
  assert.equal(r.honest.everRejectedListed, 1);
  assert.equal(r.honest.deliveredFromListed, 1);
  assert.equal(r.honest.neverArrived, 1, 'h4: accepted by the gateway, never seen');
  assert.deepEqual(r.honest.buckets.map((b) => [b.from, b.sent, b.delivered]), [[0, 3, 3], [5000, 2, 0]]);
  assert.deepEqual(r.newsletters, { seen: 1, viaHighRisk: 1 });
  assert.deepEqual(r.listings.perIp.map((p) => [p.ip, p.pool, p.seconds]), [['10.0.1.1', 'default', 5], ['10.0.2.1', 'high-risk', 18]]);
  assert.deepEqual(r.spam, { planned: 5, acceptedDefault: 2, acceptedHighRisk: 2, deferredOrRejected: 0 });
  const [cp1, cp2] = r.bad;
  assert.deepEqual(cp1!.contained, { afterMs: 1500, messages: 2, how: 'state high-risk-only (event)' });
  assert.deepEqual(cp1!.lastDefault, { afterMs: 1100, messages: 2 });
  assert.equal(cp1!.spamDeliveredDefault, 2);
  assert.equal(cp1!.spamDeliveredHighRisk, 1);
  assert.equal(cp2!.contained?.afterMs, 1000);
  assert.equal(cp2!.contained?.messages, 1);
  assert.match(cp2!.contained!.how, /^submission refused: 550 5\.7\.1/);
  assert.equal(cp2!.lastDefault, undefined);
  assert.deepEqual(r.honestHarm.routedHighRisk, [{ tenant: 'nl-01', messages: 1 }]);
  assert.deepEqual(r.honestHarm.throttled, []);
});

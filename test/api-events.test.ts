/**
 * Message events from the mail path reach the event stream and the metrics:
 * received, routed, delivered (with pool and source IP) and deferred, from a
 * real delivery to an SMTP sink on loopback. Addresses 127.0.74.x.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { reply, startSink, type Sink } from './support/smtp-sink.js';
import { startApiGateway, eventually, type ApiGateway } from './api-support.js';

let t: ApiGateway;
let sink: Sink;

before(async () => {
  sink = await startSink({ host: '127.0.74.20', behaviour: (c) => (c.phase === 'rcpt' && c.rcpt?.startsWith('later') ? reply(451, '4.2.0 try again later') : undefined) });
  t = await startApiGateway({
    host: '127.0.74.1',
    config: {
      events: { flushInterval: '20ms' },
      routes: [{ match: 'sink.test', host: '127.0.74.20', port: sink.port }],
      pools: { default: { ips: [{ ip: '127.0.74.100', helo: 'out.events.test' }] } },
    },
  });
});
after(async () => {
  await t.stop();
  await sink.close();
});

test('received → routed → delivered and deferred events, with pool and IP; metrics count them per pool and IP', async () => {
  const r = await t.call('POST', '/v1/messages', { key: t.tenant.apiKey, body: { from: 'ann@acme.test', to: ['now@sink.test', 'later@sink.test'], text: 'x' } });
  assert.equal(r.status, 202);
  const id = r.body.id as string;
  const events = await eventually(async () => {
    const e = await t.call('GET', `/v1/events?message=${id}&order=asc`, { key: t.tenant.apiKey });
    const types = e.body.data.map((x: { type: string }) => x.type);
    return types.includes('delivered') && types.includes('deferred') ? e.body.data : null;
  }, 8000, 'delivered and deferred events');
  const byType = new Map(events.map((e: { type: string }) => [e.type, e]));
  assert.deepEqual([...byType.keys()].slice(0, 2), ['received', 'routed']);
  const delivered = byType.get('delivered') as { data: { pool: string; ip: string; destination: string; recipients: Array<{ rcpt: string; state: string }> } };
  assert.equal(delivered.data.pool, 'default');
  assert.equal(delivered.data.ip, '127.0.74.100');
  assert.equal(delivered.data.destination, 'sink.test');
  assert.deepEqual(delivered.data.recipients.map((x) => x.rcpt), ['now@sink.test']);
  const deferred = byType.get('deferred') as { data: { recipients: Array<{ rcpt: string; reply: { code: number } }> } };
  assert.equal(deferred.data.recipients[0]!.reply.code, 451);
  const text = await (await fetch(`${t.baseUrl}/metrics`)).text();
  assert.match(text, /outpost_delivery_recipients_total\{pool="default",ip="127\.0\.74\.100",outcome="delivered"\} 1/);
  assert.match(text, /outpost_delivery_recipients_total\{pool="default",ip="127\.0\.74\.100",outcome="deferred"\} 1/);
  assert.match(text, /outpost_processing_seconds_count 1/);
});

/**
 * Ingress flow control on a live gateway (real SMTP and HTTP clients): while
 * processing is stuck behind `flowControl.maxBacklog` accepted messages, a new
 * SMTP transaction waits at MAIL FROM and an HTTP submission waits too; both
 * go through, nothing refused, once processing catches up, and the log lines
 * say how long they waited.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import type { Decider } from '../src/pipeline/processor.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';

let t: TestGateway;
let release: () => void = () => undefined;
let stuck = new Promise<void>((r) => (release = r));
const decide: Decider = async () => {
  await stuck;
  return { route: { kind: 'deliver', pool: 'default', why: 'test' }, events: [] };
};

before(async () => {
  t = await startTestGateway({ host: '127.0.201.1', decide, config: { flowControl: { maxBacklog: 2, maxDelay: '20s' }, delivery: { hold: true } } });
});
after(async () => {
  release();
  await t.stop();
});

const send = (to: string): Promise<unknown> =>
  nodemailer
    .createTransport({ host: t.host, port: t.smtpPort, auth: { user: t.tenant.user, pass: t.tenant.password }, tls: { rejectUnauthorized: false } })
    .sendMail({ envelope: { from: 'ann@acme.test', to: [to] }, raw: `From: <ann@acme.test>\r\nTo: <${to}>\r\nSubject: flow\r\n\r\nhello\r\n` });

test('a backlog at the limit holds new transactions at MAIL FROM and HTTP submissions until processing catches up; none is refused', { timeout: 30_000 }, async () => {
  await send('m1@dest.test'); // taken into a batch at once: stuck in the decider
  await send('m2@dest.test');
  await send('m3@dest.test'); // m2 and m3 wait for the processor: backlog 2
  let smtpDone = false;
  let httpDone = false;
  const held = send('m4@dest.test').then(() => (smtpDone = true));
  const heldHttp = fetch(`${t.baseUrl}/v1/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${t.tenant.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ from: 'ann@acme.test', to: ['m5@dest.test'], subject: 'flow', text: 'hello' }),
  }).then((r) => {
    httpDone = true;
    return r.status;
  });
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(smtpDone, false, 'the SMTP transaction waits while the backlog is at the limit');
  assert.equal(httpDone, false, 'the HTTP submission waits too');
  release();
  stuck = Promise.resolve();
  await held;
  assert.equal(await heldHttp, 202);
  const waited = t.logLines.map((l) => JSON.parse(l) as { msg?: string; flowDelayMs?: number; result?: string }).filter((l) => (l.flowDelayMs ?? 0) >= 200);
  assert.ok(waited.some((l) => l.msg === 'smtp transaction' && l.result === '250'), 'the SMTP log line says how long it waited');
  assert.ok(waited.some((l) => l.msg !== 'smtp transaction'), 'the HTTP request log line says so too');
});

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import { startTestGateway, type TestGateway } from '../../test/support/gateway.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../../../test/fixtures/${name}`, import.meta.url));
let t: TestGateway;

before(async () => {
  t = await startTestGateway({ host: '127.0.22.1', config: { scan: { enabled: true, threads: 1 }, delivery: { hold: true } } });
});
after(async () => t.stop());

async function submit(raw: Buffer, to: string): Promise<string> {
  const info = await nodemailer
    .createTransport({ host: t.host, port: t.smtpPort, auth: { user: t.tenant.user, pass: t.tenant.password }, tls: { rejectUnauthorized: false } })
    .sendMail({ envelope: { from: 'ann@acme.test', to: [to] }, raw });
  return /queued as (\S+)/.exec(info.response)![1]!;
}

async function routed(id: string): Promise<{ pool: string; cls: string; reasons: string[] }> {
  const end = Date.now() + 10_000;
  for (;;) {
    const m = await t.gw.spool.getMessage(id);
    if (m?.route && m.verdict) {
      assert.equal(m.route.kind, 'deliver');
      return { pool: m.route.kind === 'deliver' ? m.route.pool : '', cls: m.verdict.class, reasons: m.verdict.reasons.map((r) => r.rule) };
    }
    if (Date.now() > end) assert.fail(`message ${id} was not scanned and routed`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('every message is scanned; the verdict and its reasons are recorded and drive the pool', async () => {
  const ham = await submit(fixture('ham-meeting.eml'), 'bob@example.net');
  const spam = await submit(fixture('spam-phish.eml'), 'victim@example.net');
  const h = await routed(ham);
  assert.equal(h.cls, 'clean');
  assert.equal(h.pool, 'default');
  const s = await routed(spam);
  assert.equal(s.cls, 'spam');
  assert.equal(s.pool, 'high-risk');
  assert.ok(s.reasons.includes('url-ip-literal'), s.reasons.join(','));
  const ev = await t.gw.spool.events(spam);
  const scanned = ev.find((e) => e.type === 'scanned');
  assert.equal(scanned?.data?.['class'], 'spam');
  assert.ok(ev.some((e) => e.type === 'routed' && e.data?.['pool'] === 'high-risk'));
});

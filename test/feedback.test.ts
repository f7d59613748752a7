/**
 * Identity and feedback end to end on loopback: a real gateway with a
 * recording reputation engine, a real DNS server, SMTP sinks as the
 * destination MX and the sender's MX, and the feedback listener spoken to
 * over SMTP.
 *   - a 550 5.1.1 at RCPT → DSN to the sender (null sender, not VERPed),
 *     recipient suppressed for that tenant only, reputation hears one
 *     unknown-recipient; the next submission to it is refused (5.7.1) or,
 *     beside another recipient, skipped with a 'suppressed' result;
 *   - the wire sender is a VERP address; an async DSN sent to it is
 *     attributed by its token (bounce counted, recipient suppressed);
 *   - an ARF report for another message arrives on the feedback port →
 *     complaint counted for the right tenant and recipient suppressed;
 *   - forged / altered tokens and relay attempts are refused, and a token
 *     altered inside an imported report is ignored.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import { startDnsServer, type DnsTestServer } from './support/dns-server.js';
import { receiverReplies, startSink, type Sink } from './support/smtp-sink.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { rawSmtp } from './support/raw-smtp.js';
import type { ReputationSignals } from '../src/reputation/signals.js';
import { importFeedback } from '../src/feedback/import.js';

const PORT = 10025;
const DEST = '127.0.166.10';
const SENDER_MX = '127.0.166.11';
let dns: DnsTestServer;
let t: TestGateway;
let beta: { user: string; password: string };
let dest: Sink;
let senderMx: Sink;

type Call = { what: string; tenant: string; data: Record<string, unknown> };
const calls: Call[] = [];
const reputation: ReputationSignals = {
  submitted: () => undefined,
  scanned: () => undefined,
  delivery: (tenant, o) => calls.push({ what: 'delivery', tenant, data: { ...o } }),
  bounce: (tenant, o) => calls.push({ what: 'bounce', tenant, data: { ...o } }),
  complaint: (tenant, o) => calls.push({ what: 'complaint', tenant, data: { ...o } }),
  standing: () => 'normal',
};

before(async () => {
  dns = await startDnsServer({
    host: '127.0.166.53',
    zone: {
      'dest.test': { MX: [{ exchange: 'mx.dest.test', priority: 10 }] },
      'mx.dest.test': { A: [DEST] },
      'acme.test': { MX: [{ exchange: 'mx.acme.test', priority: 10 }] },
      'beta.test': { MX: [{ exchange: 'mx.acme.test', priority: 10 }] },
      'mx.acme.test': { A: [SENDER_MX] },
    },
  });
  dest = await startSink({ host: DEST, port: PORT });
  senderMx = await startSink({ host: SENDER_MX, port: PORT });
  dest.script('nobody@dest.test', receiverReplies.userUnknown);
  t = await startTestGateway({
    host: '127.0.166.1',
    reputation,
    config: {
      platform: { domain: 'outpost.test', hostname: 'mail.outpost.test' },
      dns: { servers: [dns.server], timeout: '1s' },
      pools: {
        default: { ips: [{ ip: '127.0.166.100', helo: 'out.outpost.test' }] },
        'high-risk': { ips: [{ ip: '127.0.166.200', helo: 'risky.outpost.test' }] },
      },
      delivery: { port: PORT, connectTimeout: '2s', commandTimeout: '5s' },
    },
  });
  beta = await t.addTenant('beta', 'beta.test');
});

after(async () => {
  await t.stop();
  await Promise.all([dest.close(), senderMx.close(), dns.close()]);
});

async function send(to: string | string[], subject: string, creds: { user: string; password: string } = t.tenant, from = 'ann@acme.test'): Promise<string> {
  const info = await nodemailer
    .createTransport({ host: t.host, port: t.smtpPort, auth: { user: creds.user, pass: creds.password }, tls: { rejectUnauthorized: false } })
    .sendMail({ from, to, subject, text: `hello ${subject}` });
  return /queued as (\S+)/.exec(info.response)![1]!;
}

async function until<T>(what: string, f: () => Promise<T | undefined> | T | undefined, ms = 8000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Sends raw bytes to the feedback listener; returns the reply to each step. */
async function sendReport(rcpt: string, raw: string): Promise<{ rcpt: string; data?: string }> {
  const a = t.gw.feedback.address()!;
  const c = await rawSmtp(a.address, a.port);
  try {
    await c.read();
    await c.cmd('EHLO reporter.example');
    assert.match(await c.cmd('MAIL FROM:<>'), /^250/);
    const r = await c.cmd(`RCPT TO:<${rcpt}>`);
    if (!r.startsWith('250')) return { rcpt: r };
    assert.match(await c.cmd('DATA'), /^354/);
    const body = raw.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
    const data = await c.cmd(`${body}\r\n.`);
    await c.cmd('QUIT');
    return { rcpt: r, data };
  } finally {
    c.close();
  }
}

function dsnFor(rcpt: string, status: string, original: string): string {
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mx.dest.test>',
    'To: <placeholder>',
    'Subject: Undelivered Mail Returned to Sender',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain',
    '',
    `Your message to ${rcpt} could not be delivered.`,
    '',
    '--b1',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.dest.test',
    '',
    `Final-Recipient: rfc822; ${rcpt}`,
    'Action: failed',
    `Status: ${status}`,
    `Diagnostic-Code: smtp; 550 ${status} mailbox disabled`,
    '',
    '--b1',
    'Content-Type: text/rfc822-headers',
    '',
    original.split(/\r?\n\r?\n/)[0]!,
    '',
    '--b1--',
    '',
  ].join('\r\n');
}

function arfFor(rcpt: string, original: string): string {
  return [
    'From: Yahoo FBL <feedback@fbl.yahoo.test>',
    'To: fbl@outpost.test',
    'Subject: FW: complaint',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=feedback-report; boundary="b2"',
    '',
    '--b2',
    'Content-Type: text/plain',
    '',
    'This is an email abuse report.',
    '',
    '--b2',
    'Content-Type: message/feedback-report',
    '',
    'Feedback-Type: abuse',
    'User-Agent: YahooFBL/1.0',
    'Version: 1',
    `Original-Rcpt-To: ${rcpt}`,
    'Source-IP: 127.0.166.100',
    '',
    '--b2',
    'Content-Type: message/rfc822',
    '',
    original.replace(/\r?\n/g, '\r\n'),
    '',
    '--b2--',
    '',
  ].join('\r\n');
}

describe('feedback end to end', () => {
  test('550 5.1.1 at delivery: DSN to the sender, recipient suppressed for that tenant only, one unknown-recipient', async () => {
    const before = senderMx.messages.length;
    const id = await send('nobody@dest.test', 'hard bounce');
    const [dsn] = (await senderMx.waitFor(before + 1, 8000)).slice(before);
    assert.ok(dsn);
    assert.equal(dsn.mailFrom, '', 'the DSN keeps the null sender (never VERPed)');
    assert.deepEqual(dsn.rcptTo, ['ann@acme.test']);
    assert.match(dsn.raw.toString(), /Status: 5\.1\.1/);
    const s = t.gw.feedback.suppressions.get('acme', 'NoBody@dest.test');
    assert.ok(s, 'suppressed for acme');
    assert.equal(s.reason, 'hard-bounce');
    assert.equal(s.messageId, id);
    assert.equal(t.gw.feedback.suppressions.get('beta', 'nobody@dest.test'), null, 'other tenants are unaffected');
    const rep = calls.filter((c) => c.what === 'delivery' && c.tenant === 'acme' && c.data['domain'] === 'dest.test');
    assert.deepEqual(rep.map((c) => c.data['kind']), ['unknown-recipient']);

    // The next submission to it is refused at submission time…
    await assert.rejects(send('nobody@dest.test', 'again'), (e: Error & { responseCode?: number }) => e.responseCode === 550 && /5\.7\.1.*suppression list/.test(e.message));
    // …beside a deliverable recipient it is skipped with its own result.
    const id2 = await send(['nobody@dest.test', 'fine@dest.test'], 'mixed');
    const m = await until('mixed message settled', async () => {
      const v = await t.gw.spool.getMessage(id2);
      return v && v.recipients.every((r) => r.state !== 'queued' && r.state !== 'pending') ? v : undefined;
    });
    assert.deepEqual(m.recipients.map((r) => [r.rcpt, r.state]), [['nobody@dest.test', 'suppressed'], ['fine@dest.test', 'delivered']]);
    assert.ok((await t.gw.spool.events(id2)).some((e) => e.type === 'suppressed'));
    // Another tenant still reaches that address (the RCPT is refused by the sink, but it is sent).
    await send('nobody@dest.test', 'beta sends', beta, 'bob@beta.test');
  });

  test('the wire sender is a VERP address; an async DSN to it is attributed by its token', async () => {
    const before = dest.messages.length;
    const id = await send('later@dest.test', 'verp');
    const [m] = (await dest.waitFor(before + 1, 8000)).slice(before);
    assert.ok(m);
    assert.match(m.mailFrom, /^bounces\+[0-9a-z-]+@outpost\.test$/);
    assert.ok(m.mailFrom.split('@')[0]!.length <= 64);
    assert.deepEqual(t.gw.feedback.verp.decode(m.mailFrom), { messageId: id, rcptIndex: 0, tenantId: t.gw.feedback.verp.decode(m.mailFrom)!.tenantId });
    assert.match(m.raw.toString(), /^Feedback-ID: none:acme:mail:outpost/m);

    const r = await sendReport(m.mailFrom, dsnFor('later@dest.test', '5.1.1', m.raw.toString()));
    assert.match(r.data ?? r.rcpt, /^250/);
    const b = await until('bounce call', () => calls.find((c) => c.what === 'bounce' && c.data['recipient'] === 'later@dest.test'));
    assert.equal(b.tenant, 'acme');
    assert.equal(b.data['unknownRecipient'], true);
    assert.equal(t.gw.feedback.suppressions.get('acme', 'later@dest.test')?.source, 'feedback');
    const ev = await until('bounced event', async () => (await t.gw.spool.events(id)).find((e) => e.type === 'bounced' && e.data?.['via'] === 'feedback'));
    assert.equal(ev.data?.['status'], '5.1.1');
    const [stored] = t.gw.feedback.reports.list({ limit: 1 });
    assert.equal(stored?.method, 'verp');
  });

  test('an ARF report on the feedback port: complaint counted for the right tenant, recipient suppressed', async () => {
    const before = dest.messages.length;
    const betaId = await send('reader@dest.test', 'beta newsletter', beta, 'news@beta.test');
    const [orig] = (await dest.waitFor(before + 1, 8000)).slice(before);
    assert.ok(orig);
    const emitted: string[] = [];
    const off = t.gw.events.on((e) => emitted.push(`${e.type}:${e.tenantId ?? ''}`));
    // A Return-Path-less original, as many FBLs send it: attribution by Feedback-ID / DKIM / Message-ID.
    const r = await sendReport('fbl@outpost.test', arfFor('reader@dest.test', orig.raw.toString()));
    off();
    assert.match(r.data ?? r.rcpt, /^250/);
    const c = calls.filter((x) => x.what === 'complaint');
    assert.equal(c.length, 1);
    assert.equal(c[0]!.tenant, 'beta');
    assert.equal(c[0]!.data['recipient'], 'reader@dest.test');
    assert.ok(t.gw.feedback.suppressions.get('beta', 'reader@dest.test'));
    assert.equal(t.gw.feedback.suppressions.get('acme', 'reader@dest.test'), null);
    assert.ok(emitted.includes('complained:beta') && emitted.includes('suppressed:beta'), emitted.join(','));
    assert.ok((await t.gw.spool.events(betaId)).some((e) => e.type === 'complained'));
    assert.match(orig.raw.toString(), /^CFBL-Address: fbl@outpost\.test; report=arf\r\nCFBL-Feedback-ID: [0-9a-z-]+\r\n/m);
    assert.equal(t.gw.feedback.reports.list({ limit: 1 })[0]?.method, 'verp', 'attributed by the signed CFBL-Feedback-ID token');
    await assert.rejects(send('reader@dest.test', 'again', beta, 'news@beta.test'), /5\.7\.1/);
  });

  test('forged and altered tokens, and relaying, are refused; an altered token in an imported report is ignored', async () => {
    const before = dest.messages.length;
    const id = await send('victim@dest.test', 'forgery');
    const [m] = (await dest.waitFor(before + 1, 8000)).slice(before);
    assert.ok(m);
    const [local, domain] = m.mailFrom.split('@') as [string, string];
    const lastChar = local.at(-1) === 'a' ? 'b' : 'a';
    const altered = `${local.slice(0, -1)}${lastChar}@${domain}`;
    const otherMessage = local.replace(id.toLowerCase(), id.toLowerCase().replace(/.$/, (ch) => (ch === '0' ? '1' : '0')));
    for (const rcpt of [altered, `${otherMessage}@${domain}`, 'bounces+00000000000000000000--0000000000000-0000000000000@outpost.test']) {
      assert.match((await sendReport(rcpt, 'x')).rcpt, /^550 5\.1\.1/, rcpt);
    }
    assert.match((await sendReport('postmaster@elsewhere.test', 'x')).rcpt, /^550 5\.7\.1/);
    assert.match((await sendReport('someone@outpost.test', 'x')).rcpt, /^550 5\.7\.1/);

    // Imported: only the (altered) Return-Path could name the message; it is ignored, nothing is suppressed.
    const headers = `Return-Path: <${altered}>\r\nFrom: ann@acme.test\r\nTo: victim@dest.test\r\nSubject: forgery\r\nMessage-ID: <elsewhere-1@client.example>\r\n\r\nbody\r\n`;
    const [res] = await importFeedback(t.gw.feedback.intake, Buffer.from(dsnFor('victim@dest.test', '5.1.1', headers)));
    assert.equal(res?.outcome, 'unattributed');
    assert.equal(res?.forgedToken, true);
    assert.equal(t.gw.feedback.suppressions.get('acme', 'victim@dest.test'), null);
    assert.ok(!calls.some((c) => c.data['recipient'] === 'victim@dest.test' && c.what === 'bounce'));
    const stored = t.gw.feedback.reports.list({ outcome: 'unattributed', limit: 1 })[0];
    assert.ok(stored?.hasRaw);
    assert.match(stored?.detail ?? '', /forged or altered VERP token/);
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFeedback, parseFeedbackFile } from './parse.js';
import { createVerp } from './verp.js';
import { newMessageId } from '../core/ids.js';

const crlf = (s: string): Buffer => Buffer.from(s.replace(/\r?\n/g, '\r\n'));

const verp = createVerp({ secret: 'feedback-test-secret-0123456789', bounceDomain: 'bounce.outpost.example' });
const mid = newMessageId(Date.UTC(2026, 0, 1));
const returnPath = verp.encode({ messageId: mid, rcptIndex: 2, tenantId: 'acme' });

function postfixDsn(opts: { rcpts: Array<[string, string, string]>; command: string }): Buffer {
  const readable = opts.rcpts.map(([a, , d]) => `<${a}>: host mx.example.net[192.0.2.1] said: ${d} (in reply to ${opts.command} command)`).join('\n\n');
  const blocks = opts.rcpts.map(([a, s, d]) => `Final-Recipient: rfc822; ${a}\nOriginal-Recipient: rfc822;${a}\nAction: failed\nStatus: ${s}\nRemote-MTA: dns; mx.example.net\nDiagnostic-Code: smtp; ${d}`).join('\n\n');
  return crlf(`Return-Path: <>
From: MAILER-DAEMON@relay.example.org (Mail Delivery System)
To: ${returnPath}
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B1"

--B1
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host relay.example.org.

${readable}

--B1
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; relay.example.org

${blocks}

--B1
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

Return-Path: <${returnPath}>
From: News <news@acme.example>
To: a@example.net
Subject: Hello
Message-ID: <${mid}@outpost.example>
Feedback-ID: spring:acme:marketing:outpost1
DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=acme.example; s=s1; h=from; bh=x; b=y
DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=outpost.example;
\ts=p2026; h=from; bh=x; b=y

--B1--
`);
}

test('RFC 3464: per-recipient status, hard only for bad addresses at RCPT time, attribution fields of the original', async () => {
  const r = await parseFeedback(
    postfixDsn({
      command: 'RCPT TO',
      rcpts: [
        ['a@example.net', '5.1.1', '550 5.1.1 <a@example.net>: Recipient address rejected: User unknown in local recipient table'],
        ['b@example.net', '5.2.2', '552 5.2.2 <b@example.net>: mailbox full'],
        ['c@example.net', '5.7.1', '550 5.7.1 Service unavailable; client [192.0.2.9] blocked using zen.spamhaus.org'],
      ],
    }),
  );
  assert.equal(r.kind, 'bounce');
  assert.equal(r.format, 'dsn');
  assert.deepEqual(
    r.recipients.map((x) => [x.rcpt, x.status, x.hard, x.reason]),
    [
      ['a@example.net', '5.1.1', true, 'userunknown'],
      ['b@example.net', '5.2.2', false, 'mailboxfull'],
      ['c@example.net', '5.7.1', false, 'blocked'],
    ],
  );
  assert.equal(r.recipients[0]!.replyCode, 550);
  assert.equal(r.recipients[0]!.remoteMta, 'mx.example.net');
  assert.equal(r.original?.messageId, `${mid}@outpost.example`);
  assert.equal(r.original?.feedbackId, 'spring:acme:marketing:outpost1');
  assert.deepEqual(r.original?.dkimSignatures, [
    { d: 'acme.example', s: 's1' },
    { d: 'outpost.example', s: 'p2026' },
  ]);
  assert.deepEqual(verp.decode(r.original!.returnPath!), { messageId: mid, rcptIndex: 2, tenantId: 'acme' });
});

test('"user unknown" after DATA is a filter, not a bad address (soft)', async () => {
  const r = await parseFeedback(postfixDsn({ command: 'end of DATA', rcpts: [['a@example.net', '5.0.0', '550 Unknown user a@example.net']] }));
  assert.equal(r.recipients[0]!.reason, 'filtered');
  assert.equal(r.recipients[0]!.hard, false);
});

test('ARF complaint with Original-Rcpt-To and the original attached', async () => {
  const raw = crlf(`From: feedback@fbl.example.com
To: fbl@outpost.example
Subject: Abuse report
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="F"

--F
Content-Type: text/plain

This is an abuse report.
--F
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: ExampleFBL/1.0
Version: 1
Original-Mail-From: <${returnPath}>
Original-Rcpt-To: <Victim@Example.COM>
Source-IP: 192.0.2.77
Arrival-Date: Thu, 1 Jan 2026 00:00:00 +0000
Reported-Domain: acme.example

--F
Content-Type: message/rfc822

Return-Path: <${returnPath}>
From: news@acme.example
To: victim@example.com
Message-ID: <x1@acme.example>
Feedback-ID: c:acme:bulk:outpost1

spam
--F--
`);
  const r = await parseFeedback(raw);
  assert.equal(r.kind, 'complaint');
  assert.equal(r.format, 'arf');
  assert.deepEqual(r.recipients.map((x) => [x.rcpt, x.hard]), [['victim@example.com', undefined]]);
  assert.equal(r.complaint?.feedbackType, 'abuse');
  assert.equal(r.complaint?.sourceIp, '192.0.2.77');
  assert.equal(r.complaint?.originalMailFrom, returnPath);
  assert.equal(r.complaint?.reportedDomain, 'acme.example');
  assert.equal(r.original?.feedbackId, 'c:acme:bulk:outpost1');
  assert.equal(r.original?.headers['message-id']?.[0], '<x1@acme.example>');
});

test('free-text bounce (qmail style) with the original pasted below a marker line', async () => {
  const raw = crlf(`Return-Path: <>
From: MAILER-DAEMON@mx.example.org
To: ${returnPath}
Subject: failure notice

Hi. This is the qmail-send program at mx.example.org.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<gone@example.org>:
192.0.2.5 does not like recipient.
Remote host said: 550 5.1.1 <gone@example.org>... No such user
Giving up on 192.0.2.5.

<full@example.org>:
192.0.2.5 does not like recipient.
Remote host said: 452 4.2.2 Mailbox full
Giving up on 192.0.2.5.

--- Below this line is a copy of the message.

Return-Path: <${returnPath}>
From: news@acme.example
To: gone@example.org, full@example.org
Message-ID: <q1@acme.example>

hello
`);
  const r = await parseFeedback(raw);
  assert.equal(r.kind, 'bounce');
  assert.equal(r.format, 'heuristic');
  assert.deepEqual(r.recipients.map((x) => [x.rcpt, x.status, x.hard]), [
    ['gone@example.org', '5.1.1', true],
    ['full@example.org', '4.2.2', false],
  ]);
  assert.equal(r.original?.returnPath, returnPath);
  assert.equal(r.original?.messageId, 'q1@acme.example');
});

test('delay warnings are kind delay and never hard', async () => {
  const raw = crlf(`From: Mail Delivery System <Mailer-Daemon@mx.example.org>
To: ${returnPath}
Subject: Warning: message 1abc-0001 delayed 24 hours
Auto-Submitted: auto-replied

This message was created automatically by mail delivery software.
A message that you sent has not yet been delivered to one or more of its
recipients after more than 24 hours on the queue on mx.example.org.

The address to which the message has not yet been delivered is:

  slow@example.net
    host mx.example.net [192.0.2.1]
    Delay reason: SMTP error from remote mail server after RCPT TO:<slow@example.net>:
    451 4.3.0 Temporary lookup failure

No action is required on your part.
`);
  const r = await parseFeedback(raw);
  assert.equal(r.kind, 'delay');
  assert.deepEqual(r.recipients.map((x) => [x.rcpt, x.status, x.hard]), [['slow@example.net', '4.3.0', false]]);
});

test('ordinary mail, auto-replies and junk never throw and are not bounces', async () => {
  const plain = await parseFeedback(crlf('From: a@example.com\nTo: b@example.org\nSubject: lunch?\n\nAre we still on for lunch?\n'));
  assert.equal(plain.kind, 'not-feedback');
  assert.deepEqual(plain.recipients, []);
  const ooo = await parseFeedback(crlf('From: b@example.org\nTo: a@example.com\nSubject: Out of office\nAuto-Submitted: auto-replied\n\nBack on Monday.\n'));
  assert.equal(ooo.kind, 'not-feedback');
  assert.equal(ooo.recipients[0]?.reason, 'vacation');
  for (const junk of [Buffer.alloc(0), Buffer.from([0xff, 0xfe, 0, 1, 2, 3]), Buffer.from('Content-Type: multipart/report; boundary=x\r\n\r\n--x\r\nContent-Type: message/delivery-status\r\n\r\nFinal-Recipient: ;\r\nStatus: 9.9.9\r\n')]) {
    const r = await parseFeedback(junk);
    assert.ok(['unparseable', 'not-feedback', 'bounce'].includes(r.kind), r.kind);
    assert.ok(Array.isArray(r.recipients));
  }
});

test('mbox files with several reports yield one report each', async () => {
  const one = postfixDsn({ command: 'RCPT TO', rcpts: [['a@example.net', '5.1.1', '550 5.1.1 unknown user']] }).toString('latin1');
  const two = postfixDsn({ command: 'RCPT TO', rcpts: [['b@example.net', '5.1.1', '550 5.1.1 unknown user']] }).toString('latin1');
  const mbox = Buffer.from(`From MAILER-DAEMON  Thu Apr 29 23:34:45 2015\n${one}\nFrom MAILER-DAEMON  Thu Apr 29 23:35:45 2015\n${two}\n`, 'latin1');
  const reports = await parseFeedbackFile(mbox);
  assert.deepEqual(reports.map((r) => r.recipients.map((x) => x.rcpt)), [['a@example.net'], ['b@example.net']]);
});

test('hostile input stays fast: long lines without structure, truncated reports', { timeout: 10_000 }, async () => {
  const longLine = 'x'.repeat(300_000) + '@' + 'y'.repeat(300_000);
  const t0 = performance.now();
  const a = await parseFeedback(crlf(`From: MAILER-DAEMON@mx.example.org\nSubject: Undelivered Mail\nReturn-Path: <>\n\n${longLine}\n550 5.1.1 ${'+'.repeat(200_000)}\n`));
  assert.ok(Array.isArray(a.recipients));
  const full = postfixDsn({ command: 'RCPT TO', rcpts: [['a@example.net', '5.1.1', '550 5.1.1 unknown']] });
  for (let cut = 0; cut < full.length; cut += 97) {
    const r = await parseFeedback(full.subarray(0, cut));
    assert.ok(['bounce', 'not-feedback', 'unparseable', 'delay'].includes(r.kind));
  }
  assert.ok(performance.now() - t0 < 8000, `took ${(performance.now() - t0).toFixed(0)} ms`);
});

/**
 * The reports a mailbox provider sends back to a sender, in the shapes real
 * providers use:
 *   - ARF complaints (RFC 5965): `yahoo` after Yahoo's feedback loop
 *     (User-Agent Yahoo!-Mail-Feedback/2.0, the whole original returned) and
 *     `rfc5965` (a plain RFC 5965 report with the original's header only);
 *   - DSNs (RFC 3464) for a recipient that turned out not to exist after the
 *     message was accepted: `gmail` (Delivery Status Notification (Failure),
 *     header-only copy) and `postfix` (Undelivered Mail Returned to Sender,
 *     full copy) wordings.
 * The returned original carries the Return-Path the receiver stored at
 * delivery (the envelope sender: where a VERP token would be) and the
 * receiver's Received line with the source IP.
 * Every builder returns CRLF bytes ready to send.
 */
import { randomBytes } from 'node:crypto';

export interface Delivered {
  /** The message as the receiver got it (CRLF). */
  readonly raw: Buffer;
  readonly mailFrom: string;
  readonly rcpt: string;
  readonly sourceIp: string;
  /** The sending host's EHLO name. */
  readonly helo: string;
  readonly receivedAt: Date;
}

export interface Reporter {
  /** The provider's mail domain, e.g. yahoo.world.test. */
  readonly domain: string;
  /** Its MX host name (Reporting-MTA). */
  readonly mta: string;
}

const CRLF = '\r\n';

function rfc2822(d: Date): string {
  return d.toUTCString().replace('GMT', '+0000');
}

function headerPart(raw: Buffer): string {
  const s = raw.toString('latin1');
  const i = s.indexOf('\r\n\r\n');
  return i < 0 ? s : s.slice(0, i + 2);
}

function headerValue(raw: Buffer, name: string): string | undefined {
  const m = new RegExp(`^${name}:[ \\t]*((?:.*)(?:\\r\\n[ \\t].*)*)`, 'im').exec(headerPart(raw));
  return m ? m[1]!.replace(/\r\n[ \t]+/g, ' ').trim() : undefined;
}

function domainOf(addr: string): string {
  return addr.slice(addr.lastIndexOf('@') + 1).toLowerCase();
}

/** The original as stored in the mailbox: Return-Path and the receiver's Received line prepended. */
export function storedCopy(d: Delivered, r: Reporter): Buffer {
  const trace =
    `Return-Path: <${d.mailFrom}>${CRLF}` +
    `Received: from ${d.helo} (${d.helo} [${d.sourceIp}])${CRLF}\tby ${r.mta} with ESMTP id ${randomBytes(6).toString('hex')}${CRLF}\tfor <${d.rcpt}>; ${rfc2822(d.receivedAt)}${CRLF}`;
  return Buffer.concat([Buffer.from(trace, 'latin1'), d.raw]);
}

export type ArfFormat = 'yahoo' | 'rfc5965';

export function buildArf(format: ArfFormat, d: Delivered, r: Reporter, to: string, at: Date): Buffer {
  const boundary = `----=_Part_${randomBytes(8).toString('hex')}`;
  const copy = storedCopy(d, r);
  const from = headerValue(d.raw, 'from') ?? d.mailFrom;
  const reported = domainOf(/<([^>]+)>/.exec(from)?.[1] ?? from);
  const subject = headerValue(d.raw, 'subject') ?? '';
  const yahoo = format === 'yahoo';
  const head = [
    `From: ${yahoo ? `feedback@arf.mail.${r.domain}` : `fbl@${r.domain}`}`,
    `To: ${to}`,
    `Date: ${rfc2822(at)}`,
    `Message-ID: <${randomBytes(10).toString('hex')}@${r.mta}>`,
    `Subject: ${yahoo ? `FW: ${subject}` : `Abuse report for IP ${d.sourceIp}`}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=feedback-report;${CRLF}\tboundary="${boundary}"`,
  ].join(CRLF);
  const text = yahoo
    ? `This is an email abuse report for an email message from ${reported} on ${rfc2822(d.receivedAt)}`
    : `This is an email abuse report for an email message received from IP ${d.sourceIp} on ${rfc2822(d.receivedAt)}.${CRLF}A user of ${r.domain} marked it as spam.`;
  const report = yahoo
    ? [
        'Feedback-Type: abuse',
        'User-Agent: Yahoo!-Mail-Feedback/2.0',
        'Version: 0.1',
        `Original-Mail-From: <${d.mailFrom}>`,
        `Original-Rcpt-To: ${d.rcpt}`,
        `Received-Date: ${rfc2822(d.receivedAt)}`,
        `Reported-Domain: ${reported}`,
        `Authentication-Results: ${r.mta}  from=${reported}; dkim=pass (ok)`,
      ]
    : [
        'Feedback-Type: abuse',
        `User-Agent: ${r.domain}-FBL/1.0`,
        'Version: 1',
        `Original-Mail-From: <${d.mailFrom}>`,
        `Original-Rcpt-To: <${d.rcpt}>`,
        `Arrival-Date: ${rfc2822(d.receivedAt)}`,
        `Source-IP: ${d.sourceIp}`,
        `Reported-Domain: ${reported}`,
        `Reporting-MTA: dns; ${r.mta}`,
      ];
  const originalType = yahoo ? 'message/rfc822' : 'text/rfc822-headers';
  const original = yahoo ? copy.toString('latin1') : headerPart(copy);
  const body = multipartBody(boundary, [
    { headers: ['Content-Type: text/plain; charset=us-ascii', 'Content-Transfer-Encoding: 7bit', 'Content-Disposition: inline'], content: text },
    { headers: ['Content-Type: message/feedback-report', 'Content-Transfer-Encoding: 7bit', 'Content-Disposition: inline'], content: report.join(CRLF) },
    { headers: [`Content-Type: ${originalType}`, 'Content-Disposition: inline'], content: original.replace(/(\r\n)?$/, '') },
  ]);
  return Buffer.from(head + CRLF + CRLF + body, 'latin1');
}

/** The body of a multipart/report: each part's header lines, a blank line, its content; then the closing boundary. */
function multipartBody(boundary: string, parts: ReadonlyArray<{ readonly headers: readonly string[]; readonly content: string }>): string {
  return [...parts.flatMap((p) => [`--${boundary}`, ...p.headers, '', p.content, '']), `--${boundary}--`, ''].join(CRLF);
}

export type DsnFormat = 'gmail' | 'postfix';

/** A failure DSN for one recipient the receiver accepted but could not deliver (mailbox unknown). */
export function buildDsn(format: DsnFormat, d: Delivered, r: Reporter, at: Date): Buffer {
  const boundary = `${randomBytes(12).toString('hex')}`;
  const copy = storedCopy(d, r);
  const gmail = format === 'gmail';
  const diagnostic = gmail
    ? `smtp; 550-5.1.1 The email account that you tried to reach does not exist. Please try${CRLF} 550-5.1.1 double-checking the recipient's email address for typos or${CRLF} 550 5.1.1 unnecessary spaces. https://support.google.com/mail/?p=NoSuchUser - gsmtp`
    : `x-unix; user unknown`;
  const head = [
    gmail ? `From: Mail Delivery Subsystem <mailer-daemon@${r.domain}>` : `From: MAILER-DAEMON@${r.mta} (Mail Delivery System)`,
    `To: ${d.mailFrom}`,
    `Date: ${rfc2822(at)}`,
    `Message-ID: <${randomBytes(10).toString('hex')}@${r.mta}>`,
    `Subject: ${gmail ? 'Delivery Status Notification (Failure)' : 'Undelivered Mail Returned to Sender'}`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status;${CRLF}\tboundary="${boundary}"`,
    ...(gmail ? [`X-Failed-Recipients: ${d.rcpt}`] : []),
  ].join(CRLF);
  const text = gmail
    ? `** Address not found **${CRLF}${CRLF}Your message wasn't delivered to ${d.rcpt} because the address couldn't be found, or is unable to receive mail.`
    : `This is the mail system at host ${r.mta}.${CRLF}${CRLF}I'm sorry to have to inform you that your message could not${CRLF}be delivered to one or more recipients.${CRLF}${CRLF}<${d.rcpt}>: unknown user: "${d.rcpt.split('@')[0]}"`;
  const status = [
    `Reporting-MTA: dns; ${r.mta}`,
    `Arrival-Date: ${rfc2822(d.receivedAt)}`,
    '',
    `Final-Recipient: rfc822; ${d.rcpt}`,
    `Original-Recipient: rfc822;${d.rcpt}`,
    'Action: failed',
    'Status: 5.1.1',
    ...(gmail ? [`Remote-MTA: dns; ${r.mta}`] : []),
    `Diagnostic-Code: ${diagnostic}`,
    `Last-Attempt-Date: ${rfc2822(at)}`,
  ];
  const originalType = gmail ? 'text/rfc822-headers' : 'message/rfc822';
  const original = gmail ? headerPart(copy) : copy.toString('latin1');
  const body = multipartBody(boundary, [
    { headers: ['Content-Type: text/plain; charset=UTF-8'], content: text },
    { headers: ['Content-Type: message/delivery-status'], content: status.join(CRLF) },
    { headers: [`Content-Type: ${originalType}`], content: original.replace(/(\r\n)?$/, '') },
  ]);
  return Buffer.from(head + CRLF + CRLF + body, 'latin1');
}

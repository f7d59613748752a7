/**
 * Builds a delivery status notification (RFC 3464) to send back to the
 * envelope sender: `multipart/report; report-type=delivery-status` with
 *   1. a human-readable text/plain explanation,
 *   2. a message/delivery-status part (per-message fields, then one block of
 *      per-recipient fields each, Diagnostic-Code as `smtp; <reply>`),
 *   3. text/rfc822-headers with the original message's header block.
 *
 * Invariants: the result uses CRLF only, every line is at most 998 octets, and
 * it is 7-bit (non-ASCII in the original headers or in recipient addresses is
 * carried quoted-printable / as RFC 6533 utf-8-addr-xtext), so it can be
 * relayed to any server — except the To header when the sender's own address
 * is non-ASCII (written as UTF-8, RFC 6532). It carries `Auto-Submitted: auto-replied` (RFC 3834)
 * so well-behaved software never answers it. The caller sends it with the null
 * reverse-path (MAIL FROM:<>) so it can never bounce itself.
 * Deterministic: the same input gives the same bytes (no random boundary).
 *
 * Known limits: only the headers of the original are returned, never its body
 * (RET=FULL is not honoured); a non-ASCII sender address needs SMTPUTF8 for
 * the bounce to be delivered at all.
 */
import { isIP } from 'node:net';
import type { SmtpReply } from '../core/smtp-reply.js';
import { formatReply } from '../core/smtp-reply.js';
import { foldHeader, isSevenBitSafe, quotedPrintable, rfc5322Date, toCrlf, toPrintableAscii, wrapText } from './mime-text.js';

export type DsnAction = 'failed' | 'delayed' | 'delivered' | 'relayed' | 'expanded';

export interface DsnRecipient {
  /** The recipient as we last tried it (Final-Recipient). */
  readonly rcpt: string;
  /** The ORCPT parameter or the address as first submitted, when different (Original-Recipient). */
  readonly originalRecipient?: string;
  readonly action: DsnAction;
  /** RFC 3463 status, e.g. "5.1.1"; must agree with the action. */
  readonly status: string;
  /** Host name (or IP) of the receiving MTA that gave the diagnostic. */
  readonly remoteMta?: string;
  readonly diagnostic?: SmtpReply;
  readonly lastAttempt?: Date;
  /** For `delayed`: when we give up. */
  readonly willRetryUntil?: Date;
}

export interface DsnInput {
  /** Our host name (Reporting-MTA, Message-ID domain). */
  readonly reportingMta: string;
  /** ENVID given by the submitter (RFC 3461), if any. */
  readonly originalEnvelopeId?: string;
  readonly arrivalDate: Date;
  /** Header From address, e.g. MAILER-DAEMON@platform.example. */
  readonly from: string;
  /** The original envelope sender: who gets this report. */
  readonly to: string;
  /** The original message's header block (with or without the final blank line). */
  readonly originalHeaders: Buffer;
  readonly recipients: readonly DsnRecipient[];
  readonly kind: 'failure' | 'delay';
  /** Our id for this report, used in the Message-ID header and the MIME boundary. */
  readonly messageId: string;
  readonly now: Date;
}

export class DsnError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DsnError';
  }
}

const STATUS = /^([245])\.\d{1,3}\.\d{1,3}$/;
const HOST = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;
const ID = /^[A-Za-z0-9._-]{1,200}$/;
const ACTION_STATUS: Record<DsnAction, string> = { failed: '45', delayed: '4', delivered: '2', relayed: '2', expanded: '2' };
const STATUS_WORDS: Record<string, string> = {
  '1': 'bad address',
  '2': 'mailbox problem',
  '3': 'receiving system problem',
  '4': 'network or routing problem',
  '5': 'protocol problem',
  '6': 'message content problem',
  '7': 'security or policy problem',
};

function validate(input: DsnInput): void {
  if (input.recipients.length === 0) throw new DsnError('a DSN needs at least one recipient');
  if (!HOST.test(input.reportingMta)) throw new DsnError(`invalid reportingMta "${input.reportingMta}"`);
  if (!ID.test(input.messageId)) throw new DsnError(`invalid messageId "${input.messageId}"`);
  for (const addr of [input.from, input.to]) {
    if (!/^[^\s<>@]+@[^\s<>@]+$/.test(addr)) throw new DsnError(`invalid address "${addr}"`);
  }
  for (const r of input.recipients) {
    const m = STATUS.exec(r.status);
    if (!m) throw new DsnError(`recipient ${r.rcpt}: invalid status "${r.status}"`);
    if (!ACTION_STATUS[r.action].includes(m[1]!)) throw new DsnError(`recipient ${r.rcpt}: status ${r.status} does not fit action ${r.action}`);
    if (/[\r\n]/.test(r.rcpt + (r.originalRecipient ?? '') + (r.remoteMta ?? ''))) throw new DsnError(`recipient ${r.rcpt}: line break in a field`);
  }
  if (input.kind === 'delay' && !input.recipients.some((r) => r.action === 'delayed')) {
    throw new DsnError('a delay report needs at least one delayed recipient');
  }
}

/** RFC 3464 address field: rfc822 for ASCII, RFC 6533 utf-8 with \x{HEX} escapes otherwise. */
function addressField(addr: string): string {
  if (/^[\x21-\x7e]+$/.test(addr)) return `rfc822; ${addr}`;
  let out = '';
  for (const ch of addr) {
    const cp = ch.codePointAt(0)!;
    out += cp >= 0x21 && cp <= 0x7e && ch !== '\\' && ch !== '+' && ch !== '=' ? ch : `\\x{${cp.toString(16).toUpperCase()}}`;
  }
  return `utf-8; ${out}`;
}

function mtaField(host: string): string {
  return `dns; ${isIP(host) ? `[${host}]` : toPrintableAscii(host)}`;
}

function humanPart(input: DsnInput): string {
  const failed = input.recipients.filter((r) => r.action === 'failed');
  const delayed = input.recipients.filter((r) => r.action === 'delayed');
  const lines: string[] = [`This is the mail system at ${input.reportingMta}.`, ''];
  if (input.kind === 'failure') {
    lines.push(
      'Your message could not be delivered to one or more of its recipients.',
      'This is a permanent failure: the message will not be retried for them.',
    );
  } else {
    const until = delayed.map((r) => r.willRetryUntil).find((d) => d !== undefined);
    lines.push(
      'Your message has not yet been delivered to one or more of its recipients.',
      until
        ? `The mail system will keep trying until ${rfc5322Date(until)}.`
        : 'The mail system will keep trying.',
      'This is only a warning: you do not need to send the message again.',
    );
  }
  lines.push('', 'The headers of your message are attached. If you ask your postmaster', 'for help, include this report.', '');
  const describe = (r: DsnRecipient): void => {
    lines.push(`<${r.rcpt}>:`);
    const detail = r.diagnostic
      ? `${r.remoteMta ? `host ${r.remoteMta} said: ` : ''}${toPrintableAscii(formatReply(r.diagnostic))}`
      : `${r.status} (${STATUS_WORDS[r.status.split('.')[1] ?? ''] ?? 'delivery problem'})`;
    lines.push(...wrapText(`    ${detail}`, 76), '');
  };
  if (failed.length > 0) {
    if (input.kind === 'delay') lines.push('Failed recipients:', '');
    failed.forEach(describe);
  }
  if (delayed.length > 0) {
    if (input.kind === 'failure') lines.push('Still being retried:', '');
    delayed.forEach(describe);
  }
  return lines.join('\r\n');
}

function deliveryStatusPart(input: DsnInput): string {
  const blocks: string[][] = [];
  const msg = [`Reporting-MTA: dns; ${input.reportingMta}`];
  if (input.originalEnvelopeId) msg.push(foldHeader('Original-Envelope-Id', toPrintableAscii(input.originalEnvelopeId)));
  msg.push(`Arrival-Date: ${rfc5322Date(input.arrivalDate)}`);
  blocks.push(msg);
  for (const r of input.recipients) {
    const b: string[] = [];
    if (r.originalRecipient) b.push(foldHeader('Original-Recipient', addressField(r.originalRecipient)));
    b.push(foldHeader('Final-Recipient', addressField(r.rcpt)), `Action: ${r.action}`, `Status: ${r.status}`);
    if (r.remoteMta) b.push(foldHeader('Remote-MTA', mtaField(r.remoteMta)));
    if (r.diagnostic) b.push(foldHeader('Diagnostic-Code', `smtp; ${toPrintableAscii(formatReply(r.diagnostic))}`));
    if (r.lastAttempt) b.push(`Last-Attempt-Date: ${rfc5322Date(r.lastAttempt)}`);
    if (r.action === 'delayed' && r.willRetryUntil) b.push(`Will-Retry-Until: ${rfc5322Date(r.willRetryUntil)}`);
    blocks.push(b);
  }
  return blocks.map((b) => b.join('\r\n')).join('\r\n\r\n');
}

/** The original header block: CRLF, without trailing blank lines, plus its transfer encoding. */
function headersPart(raw: Buffer): { body: string; cte: '7bit' | 'quoted-printable' } {
  const crlf = toCrlf(raw);
  let end = crlf.length;
  while (end >= 2 && crlf[end - 2] === 13 && crlf[end - 1] === 10) end -= 2;
  const block = crlf.subarray(0, end);
  if (isSevenBitSafe(block)) return { body: block.toString('latin1'), cte: '7bit' };
  return { body: quotedPrintable(block), cte: 'quoted-printable' };
}

function originalMessageId(raw: Buffer): string | undefined {
  const unfolded = raw.toString('latin1').replace(/\r?\n[ \t]+/g, ' ');
  const m = /^message-id:\s*(<[\x21-\x7e]{1,900}?>)\s*$/im.exec(unfolded);
  return m?.[1];
}

function boundaryFor(id: string, parts: string[]): string {
  let b = `=_outpost-dsn-${id}`;
  for (let n = 1; parts.some((p) => p.includes(`--${b}`)); n++) b = `=_outpost-dsn-${id}-${n}`;
  return b;
}

export function buildDsn(input: DsnInput): Buffer {
  validate(input);
  const human = humanPart(input);
  const status = deliveryStatusPart(input);
  const headers = headersPart(input.originalHeaders);
  const boundary = boundaryFor(input.messageId, [human, status, headers.body]);
  const origId = originalMessageId(input.originalHeaders);
  const subject = input.kind === 'failure' ? 'Delivery Status Notification (Failure)' : 'Delivery Status Notification (Delay)';

  const top = [
    `Date: ${rfc5322Date(input.now)}`,
    `From: Mail Delivery System <${input.from}>`,
    `To: <${input.to}>`,
    `Subject: ${subject}`,
    `Message-ID: <${input.messageId}@${input.reportingMta}>`,
    ...(origId ? [`In-Reply-To: ${origId}`, `References: ${origId}`] : []),
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status;\r\n boundary="${boundary}"`,
    'Content-Transfer-Encoding: 7bit',
  ];
  const humanAscii = /^[\x00-\x7f]*$/.test(human);
  const parts = [
    humanAscii
      ? ['Content-Type: text/plain; charset=us-ascii', 'Content-Description: Notification', 'Content-Transfer-Encoding: 7bit', '', human]
      : ['Content-Type: text/plain; charset=utf-8', 'Content-Description: Notification', 'Content-Transfer-Encoding: quoted-printable', '', quotedPrintable(Buffer.from(human, 'utf8'))],
    ['Content-Type: message/delivery-status', 'Content-Description: Delivery report', 'Content-Transfer-Encoding: 7bit', '', status],
    [
      'Content-Type: text/rfc822-headers',
      input.kind === 'failure' ? 'Content-Description: Undelivered Message Headers' : 'Content-Description: Delayed Message Headers',
      `Content-Transfer-Encoding: ${headers.cte}`,
      '',
      headers.body,
    ],
  ];
  const out = [
    ...top,
    '',
    'This is a MIME-encapsulated delivery status notification (RFC 3464).',
    '',
    ...parts.flatMap((p) => [`--${boundary}`, ...p, '']),
    `--${boundary}--`,
    '',
  ].join('\r\n');
  return Buffer.from(out, 'utf8');
}

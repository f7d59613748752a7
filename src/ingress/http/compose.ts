/**
 * Builds a MIME message from the JSON submission body with nodemailer's
 * MailComposer, after validating the body with zod (unknown fields, wrong
 * types and header injection are 400s that name the field). Line endings
 * are normalised to CRLF (MailComposer passes bare LF from text through).
 */
import MailComposer from 'nodemailer/lib/mail-composer';
import { z } from 'zod';
import { parseMailboxes } from '../../mail/addresses.js';
import { formatIssues } from '../../config/load.js';
import { HttpError } from './errors.js';
import type { Envelope } from '../../core/types.js';

const noNewline = (what: string) => z.string().max(998).refine((s) => !/[\r\n\0]/.test(s), `${what} must not contain line breaks`);
const addressList = z.array(z.string().min(3).max(320)).max(1000);

export const jsonMessageSchema = z.strictObject({
  from: noNewline('from'),
  to: addressList.default([]),
  cc: addressList.default([]),
  bcc: addressList.default([]),
  replyTo: noNewline('replyTo').optional(),
  subject: z.string().max(998).refine((s) => !/[\r\n\0]/.test(s), 'subject must not contain line breaks').default(''),
  text: z.string().optional(),
  html: z.string().optional(),
  headers: z
    .record(z.string().regex(/^[!-9;-~]+$/, 'header names are printable ASCII without ":"'), noNewline('header values'))
    .default({}),
});

export type JsonMessage = z.output<typeof jsonMessageSchema>;

const crlf = (s: string): string => s.replace(/\r\n|\r|\n/g, '\r\n');

export async function composeJson(input: unknown): Promise<{ envelope: Envelope; raw: Buffer }> {
  const r = jsonMessageSchema.safeParse(input);
  if (!r.success) throw new HttpError(400, 'invalid_request', formatIssues(r.error.issues, 'body').join('; '));
  const m = r.data;
  if (m.text === undefined && m.html === undefined) throw new HttpError(400, 'invalid_request', 'body: one of text or html is required');
  const from = parseMailboxes(m.from);
  if (from.length !== 1) throw new HttpError(400, 'invalid_request', 'body: from must be exactly one address');
  const rcpts = [...m.to, ...m.cc, ...m.bcc];
  if (rcpts.length === 0) throw new HttpError(400, 'invalid_request', 'body: at least one of to, cc or bcc is required');
  const rcptAddresses: string[] = [];
  for (const r2 of rcpts) {
    const boxes = parseMailboxes(r2);
    if (boxes.length !== 1) throw new HttpError(400, 'invalid_request', `body: "${r2}" is not one mail address`);
    rcptAddresses.push(boxes[0]!.address);
  }
  const composer = new MailComposer({
    from: m.from,
    to: m.to,
    cc: m.cc,
    ...(m.replyTo ? { replyTo: m.replyTo } : {}),
    subject: m.subject,
    ...(m.text !== undefined ? { text: crlf(m.text) } : {}),
    ...(m.html !== undefined ? { html: crlf(m.html) } : {}),
    headers: m.headers,
  });
  const raw = await new Promise<Buffer>((resolve, reject) => composer.compile().build((e, b) => (e ? reject(e) : resolve(b))));
  return { envelope: { mailFrom: from[0]!.address, rcptTo: rcptAddresses }, raw: Buffer.from(crlf(raw.toString('latin1')), 'latin1') };
}

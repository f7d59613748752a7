/**
 * POST /v1/messages — HTTP submission. Two body forms:
 * - `Content-Type: message/rfc822`: a complete message; envelope from the query
 *   (`mail_from`, `rcpt_to` repeated or comma-separated), else from its From
 *   and To/Cc/Bcc headers. Bare LF line endings are normalised to CRLF; NUL is refused.
 * - `Content-Type: application/json`: {from, to[], cc[], bcc[], subject, text, html, headers{}}.
 * Answers 202 {"id"} only after cleanup has stored the message durably.
 */
import { parseAddress } from '../../core/address.js';
import type { Cleanup } from '../../cleanup/cleanup.js';
import type { FlowGate } from '../flow.js';
import type { Envelope } from '../../core/types.js';
import { parseMailboxes } from '../../mail/addresses.js';
import { fieldValue, splitMessage } from '../../mail/headers.js';
import type { Principal } from '../../tenants/store.js';
import { parseJson, readBody } from './body.js';
import { composeJson } from './compose.js';
import { HttpError, sendJson } from './errors.js';
import type { RequestContext } from './router.js';

export interface SubmitDeps {
  readonly cleanup: Cleanup;
  readonly maxBodyBytes: number;
  readonly maxMessageBytes: number;
  readonly maxRecipients: number;
  readonly admit?: (p: Principal, rcptCount: number) => void;
  /** Ingress flow control: a submission waits while processing is far behind (ingress/flow.ts). */
  readonly flow?: FlowGate;
}

function normaliseRaw(buf: Buffer): Buffer {
  if (buf.indexOf(0) >= 0) throw new HttpError(400, 'invalid_message', 'The message contains NUL characters');
  const s = buf.toString('latin1');
  if (!/\r(?!\n)|(?<!\r)\n/.test(s)) return buf;
  return Buffer.from(s.replace(/\r\n|\r|\n/g, '\r\n'), 'latin1');
}

function envelopeFromRaw(url: URL, raw: Buffer): Envelope {
  const qFrom = url.searchParams.get('mail_from');
  const qTo = url.searchParams.getAll('rcpt_to').flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  const { fields } = splitMessage(raw);
  const header = (k: string): string[] => fields.filter((f) => f.key === k).flatMap((f) => parseMailboxes(fieldValue(f)).map((m) => m.address));
  const mailFrom = qFrom ?? header('from')[0];
  if (!mailFrom) throw new HttpError(400, 'invalid_request', 'No envelope sender: pass ?mail_from= or include a From: header');
  const rcptTo = qTo.length > 0 ? qTo : [...header('to'), ...header('cc'), ...header('bcc')];
  if (rcptTo.length === 0) throw new HttpError(400, 'invalid_request', 'No recipients: pass ?rcpt_to= or include To/Cc/Bcc headers');
  return { mailFrom, rcptTo };
}

export async function handleSubmit(ctx: RequestContext, p: Principal, d: SubmitDeps): Promise<void> {
  const type = (ctx.req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const body = await readBody(ctx.req, d.maxBodyBytes);
  let envelope: Envelope;
  let raw: Buffer;
  if (type === 'message/rfc822') {
    raw = normaliseRaw(body);
    envelope = envelopeFromRaw(ctx.url, raw);
  } else if (type === 'application/json') {
    ({ envelope, raw } = await composeJson(parseJson(body)));
  } else {
    throw new HttpError(415, 'unsupported_media_type', 'Use Content-Type: application/json or message/rfc822');
  }
  if (raw.length > d.maxMessageBytes) throw new HttpError(413, 'too_large', `Message of ${raw.length} bytes exceeds the limit of ${d.maxMessageBytes} bytes`);
  for (const r of envelope.rcptTo) {
    if (!parseAddress(r)) throw new HttpError(400, 'invalid_request', `Bad recipient address: ${r}`);
  }
  if (envelope.rcptTo.length > d.maxRecipients) {
    throw new HttpError(400, 'too_many_recipients', `Too many recipients (${envelope.rcptTo.length}; at most ${d.maxRecipients} per message)`);
  }
  d.admit?.(p, envelope.rcptTo.length);
  const flowDelayMs = (await d.flow?.wait()) ?? 0;
  if (flowDelayMs > 0) ctx.logFields['flowDelayMs'] = flowDelayMs;
  const { id } = await d.cleanup.submit({
    tenantId: p.tenant.id, source: 'http', clientIp: ctx.req.socket.remoteAddress ?? '', user: p.user, envelope, raw,
    tls: 'encrypted' in ctx.req.socket, protocol: 'HTTP',
  });
  ctx.logFields['messageId'] = id;
  sendJson(ctx.res, 202, { id });
}

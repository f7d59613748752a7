/**
 * HTTP errors: one typed error with a status, a stable machine code and a
 * human message, serialised as JSON {error, message}. SmtpErrors from the
 * shared stages (cleanup, limits) are mapped to the status an HTTP client
 * expects, keeping the SMTP reply for reference.
 */
import type { ServerResponse } from 'node:http';
import { SmtpError } from '../../core/smtp-reply.js';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function fromSmtpError(e: SmtpError): HttpError {
  const { code, enhanced = '', text } = e.reply;
  const full = `${code} ${enhanced} ${text}`.replace(/\s+/g, ' ');
  if (code === 552 || enhanced === '5.3.4') return new HttpError(413, 'too_large', text);
  if (enhanced.startsWith('5.7.1') && /domain/.test(text)) return new HttpError(403, 'sender_not_allowed', text);
  if (enhanced === '4.3.0' || enhanced === '4.3.1') return new HttpError(503, 'temporarily_unavailable', text, { 'retry-after': '30' });
  if (enhanced.startsWith('4.7') || code === 421 || code === 450 || code === 451) return new HttpError(429, 'over_limit', text, { 'retry-after': '60' });
  if (enhanced.startsWith('5.7')) return new HttpError(403, 'forbidden', text);
  if (code >= 500) return new HttpError(400, 'rejected', full);
  return new HttpError(503, 'temporarily_unavailable', text);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(data), ...headers });
  res.end(data);
}

export function sendError(res: ServerResponse, e: unknown): HttpError {
  const h = e instanceof HttpError ? e : e instanceof SmtpError ? fromSmtpError(e) : new HttpError(500, 'internal', 'Internal error');
  sendJson(res, h.status, { error: h.code, message: h.message }, h.headers);
  return h;
}

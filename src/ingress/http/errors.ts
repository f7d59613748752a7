/**
 * HTTP errors: one typed error with a status, a stable machine code and a
 * human message, serialised as JSON {"error": {"code", "message"}}. SmtpErrors
 * from the shared stages (cleanup, limits) are mapped to the status an HTTP
 * client expects; errors of the shared stores and services (tenants, pools,
 * DKIM keys, spool, src/admin) to 400/403/404/409 with their message.
 */
import type { ServerResponse } from 'node:http';
import { SmtpError } from '../../core/smtp-reply.js';
import { ServiceError } from '../../admin/errors.js';
import { TenantError } from '../../tenants/store.js';
import { PoolError } from '../../pools/registry.js';
import { SpoolError } from '../../spool/spool.js';
import { KeyStoreError } from '../../sign/key-store.js';

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

const KIND_STATUS: Record<string, [number, string]> = {
  invalid: [400, 'invalid_request'],
  forbidden: [403, 'forbidden'],
  'not-found': [404, 'not_found'],
  exists: [409, 'conflict'],
  conflict: [409, 'conflict'],
};

/** Maps any thrown value to the HttpError to answer; unknown errors are a bare 500 (details only in the log). */
export function toHttpError(e: unknown): HttpError {
  if (e instanceof HttpError) return e;
  if (e instanceof SmtpError) return fromSmtpError(e);
  if (e instanceof ServiceError || e instanceof TenantError || e instanceof KeyStoreError) {
    const [status, code] = KIND_STATUS[e.kind] ?? [400, 'invalid_request'];
    return new HttpError(status, code, e.message);
  }
  if (e instanceof PoolError) return new HttpError(404, 'not_found', e.message);
  if (e instanceof SpoolError && e.kind === 'conflict') return new HttpError(409, 'conflict', e.message);
  if (e instanceof SpoolError) return new HttpError(503, 'temporarily_unavailable', e.message, { 'retry-after': '30' });
  return new HttpError(500, 'internal', 'Internal error');
}

/** True when the error is an expected, client-facing one (not logged as a failure). */
export function isClientError(e: unknown): boolean {
  return toHttpError(e).status < 500 || e instanceof HttpError || e instanceof SmtpError;
}

export function sendError(res: ServerResponse, e: unknown): HttpError {
  const h = toHttpError(e);
  sendJson(res, h.status, { error: { code: h.code, message: h.message } }, h.headers);
  return h;
}

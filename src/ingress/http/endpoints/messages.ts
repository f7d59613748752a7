/**
 * The tenant's messages: submission (POST /v1/messages, see ../submit.ts),
 * search over its own messages, one message with its history. Another
 * tenant's message id answers 404, as if it did not exist.
 */
import { z } from 'zod';
import { messageView } from '../../../admin/queue.js';
import { endpoint, type Call } from '../endpoint.js';
import { HttpError } from '../errors.js';
import { decodeCursor, pageOf, pageQuery } from '../page.js';
import { handleSubmit } from '../submit.js';
import { isoTime, messageStates } from './fields.js';
import { page } from './schemas.js';
import type { QueueRow } from '../../../admin/queue-search.js';

const cursor = z.tuple([z.number(), z.string()]);

export const queueItem = (r: QueueRow, withTenant: boolean): Record<string, unknown> => ({
  id: r.id, ...(withTenant ? { tenantId: r.tenantId } : {}), source: r.source, state: r.state, receivedAt: new Date(r.receivedAt).toISOString(),
  mailFrom: r.mailFrom, size: r.size, recipients: r.recipients, subject: r.subject,
});

async function ownMessage(c: Call<unknown, unknown>) {
  const m = await c.s.spool.getMessage(c.params['messageId']!);
  if (!m || m.tenantId !== c.tenantId) throw new HttpError(404, 'not_found', 'No such message');
  return m;
}

export default [
  endpoint({
    method: 'POST', path: '/v1/messages', auth: 'tenant', tag: 'messages', summary: 'Submit a message',
    description:
      'Accepts either a JSON message (built into MIME) or a complete RFC 5322 message. Answers 202 only after the message is durably stored. ' +
      'For message/rfc822 the envelope comes from the query (`mail_from`, `rcpt_to` repeated or comma-separated) or else from the From and To/Cc/Bcc headers.',
    rawBody: {
      requestBody: {
        required: true,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/JsonMessage' } }, 'message/rfc822': { schema: { type: 'string', format: 'binary' } } },
      },
    },
    query: z.strictObject({ mail_from: z.string().optional().describe('Envelope sender (message/rfc822 only)'), rcpt_to: z.string().optional().describe('Envelope recipient(s), comma-separated (message/rfc822 only)') }),
    response: { status: 202, description: 'Stored durably and queued', schema: 'Accepted' },
    errors: { 413: 'Message or request body too large', 415: 'Unsupported Content-Type', 429: 'Over a sending limit; see Retry-After', 503: 'Temporarily unable to store the message; retry later' },
    example: { body: { from: 'ann@{domain}', to: ['someone@example.net'], subject: 'hello', text: 'hi' } },
    handler: async (c) => {
      if (c.caller.kind !== 'tenant') throw new HttpError(403, 'forbidden', 'tenant only');
      await handleSubmit(c.ctx, c.caller.principal, c.s.submit);
      return undefined;
    },
  }),
  endpoint({
    method: 'GET', path: '/v1/messages', auth: 'tenant', tag: 'messages', summary: "Search the tenant's messages (newest first)",
    query: z.strictObject({
      rcpt: z.string().max(320).optional().describe('Exact recipient address'),
      state: messageStates.optional(),
      since: isoTime.optional().describe('Received at or after (ISO 8601)'),
      until: isoTime.optional().describe('Received before (ISO 8601)'),
      ...pageQuery,
    }),
    response: { status: 200, description: 'A page of messages', schema: page('QueueItem') },
    handler: ({ s, query: q, tenantId }) => {
      const after = decodeCursor(q.cursor, cursor);
      const rows = s.queue.search(
        { tenantId, ...(q.rcpt ? { rcpt: q.rcpt } : {}), ...(q.state ? { state: q.state } : {}), ...(q.since !== undefined ? { since: q.since } : {}), ...(q.until !== undefined ? { until: q.until } : {}) },
        q.limit + 1, after,
      );
      return pageOf(rows, q.limit, (r) => [r.receivedAt, r.id], (r) => queueItem(r, false));
    },
  }),
  endpoint({
    method: 'GET', path: '/v1/messages/:messageId', auth: 'tenant', tag: 'messages', summary: "One of the tenant's messages, with recipients and event history",
    response: { status: 200, description: 'The message', schema: 'Message' },
    errors: { 404: 'No such message for this tenant' },
    handler: async (c) => {
      const m = await ownMessage(c);
      c.ctx.logFields['messageId'] = m.id;
      return messageView(m, await c.s.spool.events(m.id), false);
    },
  }),
  endpoint({
    method: 'GET', path: '/v1/messages/:messageId/events', auth: 'tenant', tag: 'messages', summary: "A message's event history (oldest first)",
    response: { status: 200, description: 'Events', schema: { type: 'object', properties: { data: { type: 'array', items: { $ref: '#/components/schemas/MessageEvent' } } } } },
    errors: { 404: 'No such message for this tenant' },
    handler: async (c) => {
      const m = await ownMessage(c);
      return { data: messageView(m, await c.s.spool.events(m.id), false)['events'] };
    },
  }),
];

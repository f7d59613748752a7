/**
 * Admin: the queue — search by tenant, recipient, state and destination
 * (cursor pagination, newest first), the summary, one message with its
 * history, retry now, delete. The same service functions as `outpost queue …`.
 */
import { z } from 'zod';
import { deleteMessage, messageView, retryMessage } from '../../../admin/queue.js';
import { ServiceError } from '../../../admin/errors.js';
import { endpoint } from '../endpoint.js';
import { decodeCursor, pageOf, pageQuery } from '../page.js';
import { isoTime, messageStates } from './fields.js';
import { queueItem } from './messages.js';
import { page } from './schemas.js';

const tag = 'admin: queue';
const M = '/v1/admin/messages/:messageId';

async function message(s: Parameters<Parameters<typeof endpoint>[0]['handler']>[0]['s'], id: string) {
  const m = await s.spool.getMessage(id);
  if (!m) throw new ServiceError(`no message ${id}`, 'not-found');
  return m;
}

export default [
  endpoint({
    method: 'GET', path: '/v1/admin/queue', auth: 'operator', tag, summary: 'Search messages (newest first)',
    description: '`destination` matches messages with mail waiting (queued or in flight) for that domain. All filters combine.',
    query: z.strictObject({
      tenant: z.string().max(63).optional(),
      rcpt: z.string().max(320).optional().describe('Exact recipient address'),
      state: messageStates.optional(),
      destination: z.string().max(253).optional(),
      since: isoTime.optional(),
      until: isoTime.optional(),
      ...pageQuery,
    }),
    response: { status: 200, description: 'A page of messages', schema: page('QueueItem') },
    handler: ({ s, query: q }) => {
      const after = decodeCursor(q.cursor, z.tuple([z.number(), z.string()]));
      const rows = s.queue.search(
        {
          ...(q.tenant ? { tenantId: q.tenant } : {}), ...(q.rcpt ? { rcpt: q.rcpt } : {}), ...(q.state ? { state: q.state } : {}), ...(q.destination ? { destination: q.destination } : {}),
          ...(q.since !== undefined ? { since: q.since } : {}), ...(q.until !== undefined ? { until: q.until } : {}),
        },
        q.limit + 1, after,
      );
      return pageOf(rows, q.limit, (r) => [r.receivedAt, r.id], (r) => queueItem(r, true));
    },
  }),
  endpoint({
    method: 'GET', path: '/v1/admin/queue/summary', auth: 'operator', tag, summary: 'Counts per state, and queued work per destination and pool (top 100)',
    response: { status: 200, description: 'Counts', schema: 'QueueSummary' },
    handler: async ({ s }) => {
      const c = await s.spool.counts();
      return { ...c, byDestination: c.byDestination.map((d) => ({ ...d, oldest: new Date(d.oldest).toISOString() })) };
    },
  }),
  endpoint({
    method: 'GET', path: M, auth: 'operator', tag, summary: 'A message with recipients, jobs, verdict and event history',
    response: { status: 200, description: 'The message', schema: 'Message' },
    errors: { 404: 'No such message' },
    handler: async ({ s, params }) => {
      const m = await message(s, params['messageId']!);
      return messageView(m, await s.spool.events(m.id), true);
    },
  }),
  endpoint({
    method: 'POST', path: `${M}/retry`, auth: 'operator', tag, summary: 'Make every queued job of the message due now',
    response: { status: 202, description: 'Due now', schema: { type: 'object', properties: { id: { type: 'string' }, retry: { const: true } } } },
    errors: { 404: 'No such message', 409: 'Nothing queued to retry' },
    handler: async ({ s, params }) => {
      await retryMessage(s.spool, params['messageId']!, s.clock.now());
      s.kickDelivery?.();
      return { id: params['messageId'], retry: true };
    },
  }),
  endpoint({
    method: 'DELETE', path: M, auth: 'operator', tag, summary: 'Delete from the queue: pending recipients are dropped, the body removed',
    query: z.strictObject({ reason: z.string().max(200).optional() }),
    response: { status: 204, description: 'Deleted' },
    errors: { 404: 'No such message', 409: 'Already finished, or being delivered right now' },
    handler: async ({ s, params, query }) => {
      await deleteMessage(s.spool, params['messageId']!, s.clock.now(), query.reason ?? 'deleted by operator');
      return {};
    },
  }),
];

/**
 * The platform event stream from the event store: the operator sees every
 * event, a tenant only its own. Newest first by default; `order=asc` with the
 * cursor of the last page polls for new events in order.
 */
import { z } from 'zod';
import { eventJson } from '../../../events/store.js';
import type { Auth } from '../auth.js';
import { endpoint } from '../endpoint.js';
import { decodeCursor, pageOf, pageQuery } from '../page.js';
import { eventTypeList, isoTime } from './fields.js';
import { page } from './schemas.js';

const cursor = z.strictObject({ id: z.number().int(), asc: z.boolean() });

function eventsEndpoint(auth: Auth, path: string) {
  const admin = auth === 'operator';
  return endpoint({
    method: 'GET', path, auth, tag: admin ? 'admin: events' : 'events',
    summary: admin ? 'The platform event stream (all tenants)' : "The tenant's own events",
    query: z.strictObject({
      ...(admin ? { tenant: z.string().max(63).optional().describe('Only this tenant’s events') } : {}),
      type: eventTypeList.optional().describe('Comma-separated event types'),
      message: z.string().max(64).optional().describe('Only events of this message id'),
      since: isoTime.optional(),
      until: isoTime.optional(),
      order: z.enum(['desc', 'asc']).default('desc').describe('desc: newest first; asc: oldest first (polling)'),
      ...pageQuery,
    }),
    response: { status: 200, description: 'A page of events', schema: page('Event') },
    handler: ({ s, query: q, tenantId }) => {
      const c = decodeCursor(q.cursor, cursor);
      const tenant = admin ? (q as { tenant?: string }).tenant : tenantId;
      const rows = s.events.list(
        {
          ...(tenant !== undefined ? { tenantId: tenant } : {}), ...(q.type ? { types: q.type } : {}), ...(q.message ? { messageId: q.message } : {}),
          ...(q.since !== undefined ? { since: q.since } : {}), ...(q.until !== undefined ? { until: q.until } : {}),
        },
        q.limit + 1,
        c ? { id: c.id, ascending: c.asc } : q.order === 'asc' ? { id: 0, ascending: true } : undefined,
      );
      return pageOf(rows, q.limit, (r) => ({ id: r.id, asc: q.order === 'asc' }), eventJson);
    },
  });
}

export default [eventsEndpoint('operator', '/v1/admin/events'), eventsEndpoint('tenant', '/v1/events')];

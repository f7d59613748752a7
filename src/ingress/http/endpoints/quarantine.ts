/**
 * Quarantine over the API: the operator's (`/v1/admin/quarantine…`, every
 * tenant) and the tenant's own (`/v1/quarantine…`). Both call the service
 * functions in src/admin/quarantine.ts (QuarantineAdmin underneath, as
 * `outpost quarantine`). A release sends the message back through the scan
 * and the current policy. Tenants may release only when config
 * `quarantine.tenantRelease` is true (403 otherwise); list, show and delete
 * always.
 */
import { z } from 'zod';
import { bulkQuarantine, deleteQuarantined, held, listQuarantine, releaseQuarantined, showQuarantined, type QuarantineDeps } from '../../../admin/quarantine.js';
import { ServiceError } from '../../../admin/errors.js';
import { CLASSES } from '../../../policy/action.js';
import type { VerdictClass } from '../../../core/types.js';
import type { Call } from '../endpoint.js';
import { endpoint } from '../endpoint.js';
import { decodeCursor, encodeCursor, pageQuery } from '../page.js';
import type { ApiServices } from '../services.js';
import { isoTime } from './fields.js';
import { page } from './schemas.js';

const classes = z.enum(CLASSES as [VerdictClass, ...VerdictClass[]]);
const tenantName = z.string().min(1).max(63);

const deps = (s: ApiServices): QuarantineDeps => ({ admin: s.quarantine, spool: s.spool, expireAfter: s.config.quarantine.expireAfter, poolNames: Object.keys(s.config.pools) });
const by = (c: Call<unknown, unknown>): string => (c.caller.kind === 'operator' ? `api:${c.caller.token.name}` : `tenant:${c.tenantId}:${c.caller.kind === 'tenant' ? c.caller.principal.user : ''}`);

const listQuery = {
  class: classes.optional(),
  reason: z.string().min(1).max(100).optional().describe('A scanner rule among the verdict reasons, e.g. phish-url'),
  since: isoTime.optional().describe('Quarantined at or after'),
  until: isoTime.optional().describe('Quarantined at or before'),
  ...pageQuery,
};

function list(s: ApiServices, q: { class?: VerdictClass; reason?: string; since?: number; until?: number; limit: number; cursor?: string }, tenant: string | undefined) {
  const after = decodeCursor(q.cursor, z.tuple([z.number(), z.string()]));
  const r = listQuarantine(deps(s), {
    ...(tenant !== undefined ? { tenantId: tenant } : {}), ...(q.class ? { cls: q.class } : {}), ...(q.reason ? { reason: q.reason } : {}),
    ...(q.since !== undefined ? { after: q.since } : {}), ...(q.until !== undefined ? { before: q.until } : {}),
  }, q.limit, after);
  return { data: r.items, nextCursor: r.more && r.last ? encodeCursor(r.last) : null };
}

const bulkBody = z.strictObject({
  action: z.enum(['release', 'delete']),
  ids: z.array(z.string().min(1).max(64)).min(1).max(1000).optional(),
  filter: z.strictObject({ tenant: tenantName.optional(), class: classes.optional(), before: isoTime.optional().describe('Quarantined before') }).optional(),
}).refine((b) => (b.ids === undefined) !== (b.filter === undefined), 'give either ids (at most 1000) or filter, not both');

const detailSchema = {
  allOf: [{ $ref: '#/components/schemas/QuarantineItem' }, { type: 'object', properties: { headers: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, value: { type: 'string' } } } }, textPreview: { type: 'string' }, events: { type: 'array', items: { $ref: '#/components/schemas/MessageEvent' } } } }],
};
const bulkResult = { type: 'object', properties: { action: { enum: ['release', 'delete'] }, count: { type: 'integer' } } };

function mayRelease(s: ApiServices): void {
  if (!s.config.quarantine.tenantRelease) throw new ServiceError('releasing quarantined mail is up to the operator on this gateway (config quarantine.tenantRelease); you may delete it', 'forbidden');
}

const A = '/v1/admin/quarantine';
const T = '/v1/quarantine';
const adminTag = 'admin: quarantine';

export default [
  endpoint({
    method: 'GET', path: A, auth: 'operator', tag: adminTag, summary: 'Held messages, oldest quarantined first',
    query: z.strictObject({ tenant: tenantName.optional(), ...listQuery }),
    response: { status: 200, description: 'A page of held messages', schema: page('QuarantineItem') },
    example: { query: { class: 'spam' } },
    handler: ({ s, query }) => list(s, query, query.tenant),
  }),
  endpoint({
    method: 'POST', path: `${A}/bulk`, auth: 'operator', tag: adminTag, summary: 'Release or delete many held messages: listed ids (≤1000) or every one matching a filter',
    description: 'With a filter, only messages quarantined before the call started are touched (a released message that the policy quarantines again is not released twice); the work runs in batches of 500.',
    body: bulkBody,
    response: { status: 200, description: 'How many held messages were released or deleted', schema: bulkResult },
    example: { body: { action: 'release', ids: ['00000000000000000000'] } },
    handler: (c) => bulkQuarantine(deps(c.s), c.body, by(c)),
  }),
  endpoint({
    method: 'GET', path: `${A}/:messageId`, auth: 'operator', tag: adminTag, summary: 'A held message: verdict reasons, first 50 header fields, 4 KiB of text, events',
    response: { status: 200, description: 'The held message', schema: detailSchema },
    errors: { 404: 'Not in quarantine' },
    handler: ({ s, params }) => showQuarantined(deps(s), params['messageId']!),
  }),
  endpoint({
    method: 'POST', path: `${A}/:messageId/release`, auth: 'operator', tag: adminTag, summary: 'Release: scanned again and routed by the current policy (or sent from `pool`)',
    body: z.strictObject({ pool: z.string().min(1).max(63).optional().describe('Send from this pool whatever the policy says') }),
    response: { status: 202, description: 'Released', schema: { type: 'object', properties: { id: { type: 'string' }, released: { const: true } } } },
    errors: { 404: 'Not in quarantine' },
    handler: (c) => {
      releaseQuarantined(deps(c.s), c.params['messageId']!, by(c), { ...(c.body.pool !== undefined ? { pool: c.body.pool } : {}) });
      return { id: c.params['messageId'], released: true };
    },
  }),
  endpoint({
    method: 'DELETE', path: `${A}/:messageId`, auth: 'operator', tag: adminTag, summary: 'Delete a held message (recipients dropped, body removed)',
    response: { status: 204, description: 'Deleted' },
    errors: { 404: 'Not in quarantine' },
    handler: (c) => {
      deleteQuarantined(deps(c.s), c.params['messageId']!, by(c), 'deleted by operator');
      return {};
    },
  }),

  endpoint({
    method: 'GET', path: T, auth: 'tenant', tag: 'quarantine', summary: 'Your held messages, oldest quarantined first',
    query: z.strictObject(listQuery),
    response: { status: 200, description: 'A page of held messages', schema: page('QuarantineItem') },
    handler: ({ s, query, tenantId }) => list(s, query, tenantId),
  }),
  endpoint({
    method: 'POST', path: `${T}/bulk`, auth: 'tenant', tag: 'quarantine', summary: 'Delete (or, when allowed, release) many of your held messages',
    description: 'ids that are not yours are skipped; filter.tenant may only name you. `release` needs config quarantine.tenantRelease.',
    body: bulkBody,
    response: { status: 200, description: 'How many', schema: bulkResult },
    errors: { 403: 'Release is not allowed for tenants on this gateway' },
    example: { body: { action: 'delete', filter: { class: 'spam', before: '2000-01-01T00:00:00Z' } } },
    handler: (c) => {
      if (c.body.action === 'release') mayRelease(c.s);
      return bulkQuarantine(deps(c.s), c.body, by(c), c.tenantId);
    },
  }),
  endpoint({
    method: 'GET', path: `${T}/:messageId`, auth: 'tenant', tag: 'quarantine', summary: 'One of your held messages with reasons, header fields, text preview and events',
    response: { status: 200, description: 'The held message', schema: detailSchema },
    errors: { 404: 'Not in quarantine, or not yours' },
    handler: ({ s, params, tenantId }) => showQuarantined(deps(s), params['messageId']!, tenantId),
  }),
  endpoint({
    method: 'POST', path: `${T}/:messageId/release`, auth: 'tenant', tag: 'quarantine', summary: 'Release one of your held messages (when the operator allows it): scanned again, routed by the policy',
    body: z.strictObject({}).describe('No fields: tenants cannot choose the pool'),
    response: { status: 202, description: 'Released', schema: { type: 'object', properties: { id: { type: 'string' }, released: { const: true } } } },
    errors: { 403: 'Release is not allowed for tenants on this gateway', 404: 'Not in quarantine, or not yours' },
    handler: (c) => {
      const d = deps(c.s);
      // Ownership first: another tenant's id is a 404 whatever the setting.
      held(d, c.params['messageId']!, c.tenantId);
      mayRelease(c.s);
      releaseQuarantined(d, c.params['messageId']!, by(c), { tenant: c.tenantId });
      return { id: c.params['messageId'], released: true };
    },
  }),
  endpoint({
    method: 'DELETE', path: `${T}/:messageId`, auth: 'tenant', tag: 'quarantine', summary: 'Delete one of your held messages',
    response: { status: 204, description: 'Deleted' },
    errors: { 404: 'Not in quarantine, or not yours' },
    handler: (c) => {
      deleteQuarantined(deps(c.s), c.params['messageId']!, by(c), 'deleted by the sender', c.tenantId);
      return {};
    },
  }),
];


/**
 * Reputation, visible to the tenant and to the operator: the tenant's
 * standing and why, its figures per window, the threshold rules with their
 * current values, and recent transitions with their evidence — the same
 * report as `outpost tenant reputation` (src/reputation/report.ts).
 */
import { z } from 'zod';
import { ServiceError } from '../../../admin/errors.js';
import { stateHistory } from '../../../admin/reputation-history.js';
import { decodeCursor, encodeCursor, pageQuery } from '../page.js';
import { page } from './schemas.js';
import type { ApiServices } from '../services.js';
import { endpoint } from '../endpoint.js';

const schema = {
  type: 'object',
  description: 'standing, since, reason, baseline, windows (figures per window), evaluation (each rule: value, volume, floor, level), history (transitions with evidence), rules (thresholds in force)',
  properties: { tenantId: { type: 'string' }, standing: { type: 'string', enum: ['normal', 'watch', 'throttled', 'high-risk-only', 'suspended'] }, since: { type: 'integer' }, reason: { type: 'string' } },
} as const;

function report(s: ApiServices, tenantId: string): unknown {
  s.tenants.require(tenantId);
  if (!s.reputationReport) throw new ServiceError('reputation is not available on this gateway', 'not-found');
  return s.reputationReport(tenantId);
}

function history(s: ApiServices, tenantId: string, q: { limit: number; cursor?: string }) {
  const before = decodeCursor(q.cursor, z.number().int().positive());
  const r = stateHistory(s.tenants, s.reputation, tenantId, q.limit, before);
  return { data: r.items, nextCursor: r.more ? encodeCursor(r.items[r.items.length - 1]!.id) : null };
}

export default [
  endpoint({
    method: 'GET', path: '/v1/reputation', auth: 'tenant', tag: 'account', summary: "The tenant's standing, why, its figures and its transitions with evidence",
    response: { status: 200, description: 'Reputation report', schema },
    handler: ({ s, tenantId }) => report(s, tenantId),
  }),
  endpoint({
    method: 'GET', path: '/v1/admin/tenants/:tenant/reputation', auth: 'operator', tag: 'admin: tenants', summary: "A tenant's standing, why, its figures and its transitions with evidence",
    response: { status: 200, description: 'Reputation report', schema },
    errors: { 404: 'No such tenant' },
    handler: ({ s, params }) => report(s, params['tenant']!),
  }),
  endpoint({
    method: 'GET', path: '/v1/reputation/history', auth: 'tenant', tag: 'account', summary: 'Your standing changes with their evidence, newest first',
    query: z.strictObject(pageQuery),
    response: { status: 200, description: 'A page of state changes', schema: page('StateChange') },
    handler: ({ s, tenantId, query }) => history(s, tenantId, query),
  }),
  endpoint({
    method: 'GET', path: '/v1/admin/tenants/:tenant/history', auth: 'operator', tag: 'admin: tenants', summary: "A tenant's standing changes with their evidence, newest first",
    query: z.strictObject(pageQuery),
    response: { status: 200, description: 'A page of state changes', schema: page('StateChange') },
    errors: { 404: 'No such tenant' },
    handler: ({ s, params, query }) => history(s, params['tenant']!, query),
  }),
];

/**
 * Feedback reports over the API: every stored report for the operator
 * (unattributed, ignored and malformed ones too, and the raw copy kept for
 * those), a tenant's own attributed reports for the tenant. The same service
 * functions as `outpost feedback list|show` (src/admin/feedback.ts).
 */
import { z } from 'zod';
import { listReports, REPORT_KINDS, REPORT_OUTCOMES, showReport } from '../../../admin/feedback.js';
import { ServiceError } from '../../../admin/errors.js';
import type { ReportOutcome } from '../../../feedback/report-store.js';
import { endpoint } from '../endpoint.js';
import { decodeCursor, encodeCursor, pageQuery } from '../page.js';
import type { ApiServices } from '../services.js';
import { page } from './schemas.js';

const kind = z.enum(REPORT_KINDS).describe('bounce, complaint, delay, not-feedback, unparseable');
const reportId = (s: string): number => {
  const n = Number(s);
  if (!Number.isSafeInteger(n) || n <= 0) throw new ServiceError(`reportId: expected a positive whole number, got "${s}"`, 'invalid');
  return n;
};

function list(s: ApiServices, q: { tenant?: string; type?: string; outcome?: ReportOutcome; limit: number; cursor?: string }, asTenant?: string) {
  const before = decodeCursor(q.cursor, z.number().int().positive());
  const r = listReports(s.reports, { ...(q.tenant ? { tenant: q.tenant } : {}), ...(q.type ? { kind: q.type } : {}), ...(q.outcome ? { outcome: q.outcome } : {}) }, q.limit, before, asTenant);
  return { data: r.items, nextCursor: r.more ? encodeCursor(r.items[r.items.length - 1]!.id) : null };
}

export default [
  endpoint({
    method: 'GET', path: '/v1/feedback-reports', auth: 'tenant', tag: 'feedback', summary: 'Bounce and complaint reports attributed to you, newest first',
    query: z.strictObject({ type: kind.optional(), ...pageQuery }),
    response: { status: 200, description: 'A page of reports', schema: page('FeedbackReport') },
    handler: ({ s, query, tenantId }) => list(s, query, tenantId),
  }),
  endpoint({
    method: 'GET', path: '/v1/feedback-reports/:reportId', auth: 'tenant', tag: 'feedback', summary: 'One report attributed to you',
    response: { status: 200, description: 'The report', schema: 'FeedbackReport' },
    errors: { 404: 'No such report, or not yours' },
    handler: ({ s, params, tenantId }) => showReport(s.reports, reportId(params['reportId']!), tenantId),
  }),
  endpoint({
    method: 'GET', path: '/v1/admin/feedback-reports', auth: 'operator', tag: 'admin: feedback', summary: 'Every stored feedback report, newest first',
    query: z.strictObject({ tenant: z.string().min(1).max(63).optional(), type: kind.optional(), outcome: z.enum(REPORT_OUTCOMES as [ReportOutcome, ...ReportOutcome[]]).optional(), ...pageQuery }),
    response: { status: 200, description: 'A page of reports', schema: page('FeedbackReport') },
    example: { query: { outcome: 'unattributed' } },
    handler: ({ s, query }) => list(s, query),
  }),
  endpoint({
    method: 'GET', path: '/v1/admin/feedback-reports/:reportId', auth: 'operator', tag: 'admin: feedback', summary: 'One report (with source, client IP and whether a raw copy is kept)',
    response: { status: 200, description: 'The report', schema: 'FeedbackReport' },
    errors: { 404: 'No such report' },
    handler: ({ s, params }) => showReport(s.reports, reportId(params['reportId']!)),
  }),
  endpoint({
    method: 'GET', path: '/v1/admin/feedback-reports/:reportId/raw', auth: 'operator', tag: 'admin: feedback', summary: 'The stored copy of an unattributed, ignored or malformed report (message/rfc822)',
    response: { status: 200, description: 'The report as received', schema: { type: 'string', description: 'message/rfc822' } },
    errors: { 404: 'No such report, or no stored copy (attributed reports keep only the facts)' },
    handler: ({ s, params, ctx }) => {
      const raw = s.reports.raw(reportId(params['reportId']!));
      if (!raw) throw new ServiceError(`feedback report ${params['reportId']} has no stored copy (only unattributed, ignored and malformed reports keep one)`, 'not-found');
      ctx.res.writeHead(200, { 'content-type': 'message/rfc822', 'content-length': raw.length }).end(raw);
      return undefined;
    },
  }),
];

/**
 * The web console's data: per-minute series for the dashboards (platform and
 * tenant) and the tenants overview table. Served from the rollup the event
 * store writes (src/stats/), never from a scan of the spool, so they stay
 * fast with 10,000 tenants and a million messages (npm run bench:console).
 * Listed before admin-tenants: /v1/admin/tenants/overview must win over
 * /v1/admin/tenants/:tenant.
 */
import { z } from 'zod';
import { OVERVIEW_SORTS, TENANT_STATES, type OverviewSort } from '../../../stats/overview.js';
import { endpoint } from '../endpoint.js';
import { decodeCursor, encodeCursor, pageQuery } from '../page.js';
import { page } from './schemas.js';

const minutes = z.coerce.number().int().min(5).max(1440).default(60).describe('How many minutes back (5-1440); one point per minute, the last one is the current minute');
const sorts = [...OVERVIEW_SORTS, ...OVERVIEW_SORTS.map((s) => `-${s}` as const)] as const;

export default [
  endpoint({
    method: 'GET', path: '/v1/admin/stats/timeseries', auth: 'operator', tag: 'admin: stats', summary: 'Per-minute series: outcomes, deliveries per pool, spam share, queue depth',
    description: 'Outcomes count messages (received, quarantined, rejected) or recipients (delivered, deferred, bounced). `spamShare` is the share of scanned mail classed spam or suspect (null when nothing was scanned); `queueDepth` the messages waiting or in progress, sampled each minute.',
    query: z.strictObject({ minutes, tenant: z.string().min(1).max(63).optional().describe("One tenant's series (no pools or queue depth)") }),
    response: { status: 200, description: 'The series', schema: 'TimeSeries' },
    errors: { 404: 'No such tenant' },
    example: { query: { minutes: '30' } },
    handler: ({ s, query }) => {
      if (query.tenant !== undefined) s.tenants.require(query.tenant);
      return s.stats.series(query.minutes, query.tenant);
    },
  }),
  endpoint({
    method: 'GET', path: '/v1/stats/timeseries', auth: 'tenant', tag: 'account', summary: "Per-minute series of the tenant's own mail: outcomes and spam share",
    query: z.strictObject({ minutes }),
    response: { status: 200, description: 'The series (no pools or queue depth)', schema: 'TimeSeries' },
    example: { query: { minutes: '30' } },
    handler: ({ s, query, tenantId }) => s.stats.series(query.minutes, tenantId),
  }),
  endpoint({
    method: 'GET', path: '/v1/admin/tenants/overview', auth: 'operator', tag: 'admin: tenants', summary: 'Every tenant with its state, 24-hour volume, rates and hourly sparkline',
    description: '`state` is the reputation standing, or `disabled`. Rates are over the last 24 hours: spam share of scanned mail, bounces / (deliveries + bounces), complaints / deliveries (null without data). `sort` is a field, descending with a leading `-`. `q` matches part of the tenant id.',
    query: z.strictObject({
      q: z.string().max(100).optional(),
      state: z.enum(TENANT_STATES).optional(),
      sort: z.enum(sorts).default('id'),
      ...pageQuery,
    }),
    response: { status: 200, description: 'A page of tenants, with `total` matching', schema: { allOf: [page('TenantOverview'), { type: 'object', properties: { total: { type: 'integer' } } }] } },
    example: { query: { sort: '-sent24h', limit: '20' } },
    handler: ({ s, query: q }) => {
      const offset = decodeCursor(q.cursor, z.number().int().min(0)) ?? 0;
      const desc = q.sort.startsWith('-');
      const sort = (desc ? q.sort.slice(1) : q.sort) as OverviewSort;
      const r = s.stats.overview.list({ sort, desc, offset, limit: q.limit, ...(q.q ? { q: q.q } : {}), ...(q.state ? { state: q.state } : {}) });
      return { data: r.rows, nextCursor: r.more ? encodeCursor(offset + q.limit) : null, total: r.total };
    },
  }),
];

/**
 * Suppression lists over the API: the tenant's own (`/v1/suppressions…`) and
 * any tenant's for the operator (`/v1/admin/tenants/:tenant/suppressions…`):
 * list (filter by reason, search by address prefix), add, remove, CSV import
 * (JSON `{csv}`, at most IMPORT_BYTES) and CSV export. The same service
 * functions as `outpost suppression …` (src/admin/suppression.ts).
 */
import { z } from 'zod';
import { addSuppression, exportSuppressions, importSuppressionsAsync, listSuppressions, removeSuppression } from '../../../admin/suppression.js';
import type { Call } from '../endpoint.js';
import { endpoint } from '../endpoint.js';
import { decodeCursor, encodeCursor, pageQuery } from '../page.js';
import type { ApiServices } from '../services.js';
import { page } from './schemas.js';

/** Largest CSV import request: about 40,000 addresses. */
export const IMPORT_BYTES = 2 * 1024 * 1024;

const listQuery = z.strictObject({
  reason: z.string().min(1).max(100).optional().describe('Exact reason: hard-bounce, complaint, manual, or an imported one'),
  q: z.string().min(1).max(320).optional().describe('Address prefix (case-insensitive), e.g. bob@ or bob@example'),
  ...pageQuery,
});
const addBody = z.strictObject({ address: z.string().min(3).max(320), reason: z.string().min(1).max(100).default('manual') });
const importBody = z.strictObject({ csv: z.string().min(1).max(IMPORT_BYTES).describe('recipient,reason,date lines (header optional; reason default manual, date default now)') });
const importResult = { type: 'object', properties: { rows: { type: 'integer' }, added: { type: 'integer' }, existing: { type: 'integer', description: 'Already on the list (kept with their first reason and date)' } } };
const addResult = { type: 'object', properties: { added: { type: 'boolean', description: 'false: it was already on the list' }, entry: { $ref: '#/components/schemas/Suppression' } } };

type Q = z.output<typeof listQuery>;

function list(s: ApiServices, tenant: string, q: Q) {
  const after = decodeCursor(q.cursor, z.string());
  const r = listSuppressions(s.tenants, s.suppressions, tenant, { ...(q.reason ? { reason: q.reason } : {}), ...(q.q ? { prefix: q.q } : {}) }, q.limit, after);
  return { data: r.items, nextCursor: r.more ? encodeCursor(r.items[r.items.length - 1]!.address) : null };
}

function exportCsv(c: Call<unknown, unknown>, tenant: string): undefined {
  const { csv } = exportSuppressions(c.s.tenants, c.s.suppressions, tenant);
  c.ctx.res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8', 'content-length': Buffer.byteLength(csv), 'content-disposition': `attachment; filename="suppressions-${tenant}.csv"` }).end(csv);
  return undefined;
}

const csvResponse = { status: 200, description: 'CSV: recipient,reason,date', schema: { type: 'string', description: 'text/csv' } };

function variants(auth: 'tenant' | 'operator') {
  const base = auth === 'tenant' ? '/v1/suppressions' : '/v1/admin/tenants/:tenant/suppressions';
  const tag = auth === 'tenant' ? 'suppressions' : 'admin: suppressions';
  const who = (c: { tenantId: string; params: Readonly<Record<string, string>> }): string => (auth === 'tenant' ? c.tenantId : c.params['tenant']!);
  const whose = auth === 'tenant' ? 'Your' : "A tenant's";
  const errors = auth === 'operator' ? { 404: 'No such tenant' } : undefined;
  return [
    endpoint({
      method: 'GET', path: base, auth, tag, summary: `${whose} suppressed recipients, by address`,
      query: listQuery,
      response: { status: 200, description: 'A page of suppressions', schema: page('Suppression') },
      ...(errors ? { errors } : {}),
      handler: (c) => list(c.s, who(c), c.query),
    }),
    endpoint({
      method: 'POST', path: base, auth, tag, summary: 'Suppress a recipient (no more mail from this tenant to it)',
      body: addBody,
      response: { status: 201, description: 'On the list', schema: addResult },
      ...(errors ? { errors } : {}),
      example: { body: { address: 'gone@example.net', reason: 'manual' } },
      handler: (c) => addSuppression(c.s.tenants, c.s.suppressions, who(c), c.body.address, c.body.reason, auth === 'tenant' ? 'api' : 'admin-api'),
    }),
    endpoint({
      method: 'POST', path: `${base}/import`, auth, tag, summary: 'Import a CSV list (recipient,reason,date); all or nothing on a bad line',
      description: `Body \`{"csv": "…"}\` of at most ${IMPORT_BYTES / 1024 / 1024} MiB (413 above). Every line is checked before anything is added; a bad one is a 400 naming its line.`,
      body: importBody,
      bodyLimit: IMPORT_BYTES + 64 * 1024,
      response: { status: 200, description: 'Counts', schema: importResult },
      ...(errors ? { errors } : {}),
      example: { body: { csv: 'recipient,reason\nwalk@example.net,manual\n' } },
      handler: (c) => importSuppressionsAsync(c.s.tenants, c.s.suppressions, who(c), c.body.csv, c.s.clock.now()),
    }),
    endpoint({
      method: 'GET', path: `${base}/export`, auth, tag, summary: `${whose} whole list as CSV`,
      response: csvResponse,
      ...(errors ? { errors } : {}),
      handler: (c) => exportCsv(c, who(c)),
    }),
    endpoint({
      method: 'DELETE', path: `${base}/:address`, auth, tag, summary: 'Remove a recipient from the list',
      response: { status: 204, description: 'Removed' },
      errors: { 404: 'Not on the list' },
      handler: (c) => {
        removeSuppression(c.s.tenants, c.s.suppressions, who(c), c.params['address']!);
        return {};
      },
    }),
  ];
}

export default [...variants('tenant'), ...variants('operator')];

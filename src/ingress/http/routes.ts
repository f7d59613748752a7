/**
 * The tenant-facing HTTP routes: submission, a tenant's own message history,
 * the OpenAPI document and a health check. Every tenant route resolves the
 * API key first (401 without a valid one) and only ever reads that tenant's
 * data: another tenant's message id answers 404, as if it did not exist.
 */
import type { Spool } from '../../spool/spool.js';
import type { Principal } from '../../tenants/store.js';
import { HttpError, sendJson } from './errors.js';
import { openapi } from './openapi.js';
import { Router, type RequestContext } from './router.js';
import { bearer } from './server.js';
import { handleSubmit, type SubmitDeps } from './submit.js';

export interface ApiDeps extends SubmitDeps {
  readonly spool: Spool;
  readonly authenticateApiKey: (key: string) => Promise<Principal | null>;
}

async function tenantOf(ctx: RequestContext, d: ApiDeps): Promise<Principal> {
  const key = bearer(ctx.req.headers.authorization);
  if (!key) throw new HttpError(401, 'unauthorized', 'Missing API key: send Authorization: Bearer <key>', { 'www-authenticate': 'Bearer' });
  const p = await d.authenticateApiKey(key);
  if (!p) throw new HttpError(401, 'unauthorized', 'Invalid or revoked API key', { 'www-authenticate': 'Bearer' });
  ctx.logFields['tenant'] = p.tenant.id;
  return p;
}

export function buildRouter(d: ApiDeps): Router {
  const iso = (ms: number): string => new Date(ms).toISOString();
  return new Router()
    .add('GET', '/healthz', ({ res }) => sendJson(res, 200, { status: 'ok' }))
    .add('GET', '/v1/openapi.json', ({ res }) => sendJson(res, 200, openapi))
    .add('POST', '/v1/messages', async (ctx) => handleSubmit(ctx, await tenantOf(ctx, d), d))
    .add('GET', '/v1/messages/:id', async (ctx) => {
      const p = await tenantOf(ctx, d);
      const m = await d.spool.getMessage(ctx.params['id']!);
      if (!m || m.tenantId !== p.tenant.id) throw new HttpError(404, 'not_found', 'No such message');
      const events = await d.spool.events(m.id);
      sendJson(ctx.res, 200, {
        id: m.id, state: m.state, receivedAt: iso(m.receivedAt), mailFrom: m.mailFrom, size: m.size, subject: m.summary.subject ?? null,
        recipients: m.recipients.map((r) => ({ rcpt: r.rcpt, state: r.state, reply: r.reply ?? null })),
        events: events.map((e) => ({ at: iso(e.at), type: e.type, data: e.data ?? {} })),
      });
    });
}

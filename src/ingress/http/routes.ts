/**
 * Builds the HTTP router from the endpoint table (endpoints/index.ts). Every
 * endpoint runs the same steps: authenticate (auth.ts), parse the query and
 * the JSON body with the endpoint's strict zod schemas (400 naming the field),
 * cap the body at API_BODY_BYTES or the endpoint's bodyLimit (413), call the handler, answer JSON.
 * Tenant endpoints only ever see the calling tenant's data: the handlers
 * take the tenant from the key, never from the request.
 */
import type { z } from 'zod';
import { formatIssues } from '../../config/load.js';
import { authenticate } from './auth.js';
import { parseJson, readBody } from './body.js';
import type { AnyEndpoint } from './endpoint.js';
import { ENDPOINTS } from './endpoints/index.js';
import { HttpError, sendJson } from './errors.js';
import { Router, type RequestContext } from './router.js';
import type { ApiServices } from './services.js';

/** Request bodies of the JSON API (not submission, which has http.maxBodyBytes). */
export const API_BODY_BYTES = 64 * 1024;

function parseWith<T>(schema: z.ZodType<T>, input: unknown, where: 'query' | 'body'): T {
  const r = schema.safeParse(input);
  if (!r.success) throw new HttpError(400, 'invalid_request', formatIssues(r.error.issues, where).join('; '));
  return r.data;
}

function queryObject(url: URL): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of url.searchParams) {
    if (k in out) throw new HttpError(400, 'invalid_request', `query: ${k}: given more than once (use a comma-separated list where several values are allowed)`);
    out[k] = v;
  }
  return out;
}

async function jsonBody(ctx: RequestContext, limit: number): Promise<unknown> {
  const type = (ctx.req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const buf = await readBody(ctx.req, limit);
  if (buf.length === 0) return {};
  if (type !== 'application/json') throw new HttpError(415, 'unsupported_media_type', 'Use Content-Type: application/json');
  return parseJson(buf);
}

function runner(e: AnyEndpoint, s: ApiServices) {
  return async (ctx: RequestContext): Promise<void> => {
    ctx.logFields['route'] = e.path;
    const caller = await authenticate(ctx, e.auth, s);
    // Raw-body endpoints (submission) read their query themselves (repeated rcpt_to is allowed there).
    const query = e.rawBody ? {} : e.query ? parseWith(e.query, queryObject(ctx.url), 'query') : emptyQuery(ctx.url);
    let body: unknown;
    if (e.body) body = parseWith(e.body, await jsonBody(ctx, e.bodyLimit ?? API_BODY_BYTES), 'body');
    else if (!e.rawBody && e.method !== 'GET') await readBody(ctx.req, API_BODY_BYTES);
    const tenantId = caller.kind === 'tenant' ? caller.principal.tenant.id : '';
    const out = await e.handler({ ctx, s, params: ctx.params, query, body, caller, tenantId });
    if (out === undefined || ctx.res.headersSent) return;
    if (e.response.status === 204) {
      ctx.res.writeHead(204).end();
      return;
    }
    sendJson(ctx.res, e.response.status, out);
  };
}

function emptyQuery(url: URL): Record<string, never> {
  const first = url.searchParams.keys().next();
  if (!first.done) throw new HttpError(400, 'invalid_request', `query: unknown key ${first.value}`);
  return {};
}

export function buildRouter(s: ApiServices, endpoints: readonly AnyEndpoint[] = ENDPOINTS): Router {
  const router = new Router();
  for (const e of endpoints) router.add(e.method, e.path, runner(e, s), { auth: e.auth });
  return router;
}

/**
 * The OpenAPI 3.1 document for Outpost's HTTP API, served at /v1/openapi.json
 * and written to docs/openapi.json by `npm run openapi`. Generated from the
 * endpoint table (endpoints/index.ts): paths, parameters and request bodies
 * come from each endpoint's zod schemas, so the document cannot drift from
 * what the router serves and validates.
 */
import { z } from 'zod';
import type { AnyEndpoint, DocSchema } from './endpoint.js';
import { ENDPOINTS } from './endpoints/index.js';
import { SCHEMAS } from './endpoints/schemas.js';

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
const ref = (s: DocSchema): Record<string, unknown> => (typeof s === 'string' ? { $ref: `#/components/schemas/${s}` } : s);

function jsonSchema(s: z.ZodType): Record<string, unknown> {
  const j = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete j['$schema'];
  return j;
}

function operation(e: AnyEndpoint): Record<string, unknown> {
  const params: Array<Record<string, unknown>> = [];
  for (const m of e.path.matchAll(/:([a-zA-Z]+)/g)) params.push({ name: m[1], in: 'path', required: true, schema: { type: 'string' } });
  if (e.query) {
    const q = jsonSchema(e.query) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
    for (const [name, schema] of Object.entries(q.properties ?? {})) {
      const { description, ...rest } = schema;
      params.push({ name, in: 'query', required: (q.required ?? []).includes(name) && !('default' in rest), schema: rest, ...(description ? { description } : {}) });
    }
  }
  const responses: Record<string, unknown> = {
    [String(e.response.status)]: {
      description: e.response.description,
      ...(e.response.schema && e.response.status !== 204 ? { content: { [e.path === '/metrics' ? 'text/plain' : 'application/json']: { schema: ref(e.response.schema) } } } : {}),
    },
  };
  if (e.query || e.body || e.rawBody) responses['400'] = errorResponse('Invalid request: malformed JSON, unknown field or wrong type (the message names the field)');
  if (e.auth === 'tenant') {
    responses['401'] = errorResponse('Missing or invalid API key');
    responses['403'] = errorResponse('Not allowed for this tenant (or an operator token on the tenant API)');
  }
  if (e.auth === 'operator') {
    responses['401'] = errorResponse('Missing or invalid operator token');
    responses['403'] = errorResponse('A tenant API key cannot use the admin API');
  }
  if (e.auth === 'metrics') responses['401'] = errorResponse('Only when metrics.requireToken is set: missing or invalid operator token');
  if (e.body) responses['413'] = errorResponse(`Request body larger than ${Math.round((e.bodyLimit ?? 64 * 1024) / 1024)} KiB`);
  for (const [status, d] of Object.entries(e.errors ?? {})) responses[status] = errorResponse(d);
  return {
    tags: [e.tag],
    summary: e.summary,
    ...(e.description ? { description: e.description } : {}),
    ...(e.auth === 'tenant' ? { security: [{ tenantKey: [] }] } : e.auth === 'operator' ? { security: [{ operatorToken: [] }] } : {}),
    ...(params.length ? { parameters: params } : {}),
    ...(e.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(e.body), ...(e.example?.body ? { example: e.example.body } : {}) } } } } : {}),
    ...(e.rawBody ? { requestBody: e.rawBody.requestBody } : {}),
    responses,
  };
}

export function buildOpenApi(endpoints: readonly AnyEndpoint[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const e of endpoints) {
    const p = e.path.replace(/:([a-zA-Z]+)/g, '{$1}');
    (paths[p] ??= {})[e.method.toLowerCase()] = operation(e);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Outpost API',
      version: '0.2.0',
      description:
        'Submission, tenant and admin API of the Outpost outbound mail gateway. Tenants authenticate with `Authorization: Bearer API_KEY` ' +
        '(from `outpost tenant credentials NAME --api`) and see only their own data; operators use `/v1/admin/…` with an operator token ' +
        '(`outpost admin token create NAME`). Errors are `{"error": {"code", "message"}}`; lists are `{"data": [...], "nextCursor"}` (see docs/api.md).',
    },
    servers: [{ url: 'http://127.0.0.1:8025' }],
    components: {
      securitySchemes: {
        tenantKey: { type: 'http', scheme: 'bearer', description: 'A tenant API key, op_<id>_<secret>' },
        operatorToken: { type: 'http', scheme: 'bearer', description: 'An operator token, opa_<id>_<secret>' },
      },
      schemas: SCHEMAS,
    },
    paths,
  };
}

export const openapi = buildOpenApi(ENDPOINTS);

/**
 * One API endpoint = one declarative definition: method, path, who may call
 * it, zod schemas for the query and the JSON body, the documented response,
 * and the handler. The router (routes.ts) runs every definition the same
 * way — authenticate, validate (strict: unknown fields and wrong types are
 * 400s naming the field), size-limit the body (413), call, answer JSON — and
 * the OpenAPI document is generated from the same table, so adding an endpoint
 * is one small file listed in endpoints/index.ts.
 */
import type { z } from 'zod';
import type { Auth, Caller } from './auth.js';
import type { RequestContext } from './router.js';
import type { ApiServices } from './services.js';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** A JSON Schema object or the name of a shared schema in endpoints/schemas.ts. */
export type DocSchema = string | Record<string, unknown>;

export interface Call<Q, B> {
  readonly ctx: RequestContext;
  readonly s: ApiServices;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Q;
  readonly body: B;
  readonly caller: Caller;
  /** The calling tenant's id (tenant endpoints only; '' otherwise). */
  readonly tenantId: string;
}

export interface EndpointDef<Q = unknown, B = unknown> {
  readonly method: Method;
  /** Path with `:name` parameters, e.g. /v1/admin/tenants/:tenant. */
  readonly path: string;
  readonly auth: Auth;
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  readonly query?: z.ZodType<Q>;
  readonly body?: z.ZodType<B>;
  /** Largest JSON body accepted (413 above); default API_BODY_BYTES (64 KiB). */
  readonly bodyLimit?: number;
  /** The handler reads the request body itself (submission); documented by `requestBody`. */
  readonly rawBody?: { readonly requestBody: Record<string, unknown> };
  readonly response: { readonly status: number; readonly description: string; readonly schema?: DocSchema };
  /** Extra error statuses worth documenting (401/403/400 are added from auth and schemas). */
  readonly errors?: Readonly<Record<number, string>>;
  /** A valid request, for the docs and the isolation walk (test/api-isolation.test.ts). */
  readonly example?: { readonly query?: Readonly<Record<string, string>>; readonly body?: unknown };
  /** Returns the JSON body for `response.status`, or undefined when it wrote the response itself. */
  readonly handler: (c: Call<Q, B>) => unknown;
}

export type AnyEndpoint = EndpointDef<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Identity with inference: `endpoint({ query: z.strictObject(…), handler: ({query}) => … })`. */
export function endpoint<Q = Record<string, never>, B = undefined>(def: EndpointDef<Q, B>): AnyEndpoint {
  return def as AnyEndpoint;
}

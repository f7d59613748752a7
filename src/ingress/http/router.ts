/**
 * A minimal HTTP router: METHOD + path pattern with :params → handler.
 * Handlers get a typed context and return nothing (they write the response)
 * or throw HttpError. Unknown paths answer 404, known paths with another
 * method 405, both as JSON errors.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from './errors.js';

export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly params: Readonly<Record<string, string>>;
  /** Fields added to this request's log line (tenant, message id…). */
  readonly logFields: Record<string, unknown>;
}

export type Handler = (ctx: RequestContext) => Promise<void> | void;

/** What the route table tells about a route (the isolation test walks it). */
export interface RouteMeta {
  readonly auth: string;
}

interface Route {
  method: string;
  pattern: string;
  re: RegExp;
  names: string[];
  handler: Handler;
  meta: RouteMeta;
}

export class Router {
  private readonly routes: Route[] = [];

  /** Every route, in the order added. */
  list(): Array<{ method: string; pattern: string; params: readonly string[]; meta: RouteMeta }> {
    return this.routes.map((r) => ({ method: r.method, pattern: r.pattern, params: r.names, meta: r.meta }));
  }

  add(method: string, pattern: string, handler: Handler, meta: RouteMeta = { auth: 'public' }): this {
    const names: string[] = [];
    const re = new RegExp(
      '^' + pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:([a-zA-Z]+)/g, (_m, n: string) => (names.push(n), '([^/]+)')) + '$',
    );
    this.routes.push({ method, pattern, re, names, handler, meta });
    return this;
  }

  match(method: string, path: string): { handler: Handler; params: Record<string, string> } {
    let pathMatched = false;
    for (const r of this.routes) {
      const m = r.re.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (r.method !== method) continue;
      const params: Record<string, string> = {};
      r.names.forEach((n, i) => {
        try {
          params[n] = decodeURIComponent(m[i + 1]!);
        } catch {
          throw new HttpError(400, 'bad_url', `Malformed path parameter ${n}`);
        }
      });
      return { handler: r.handler, params };
    }
    if (pathMatched) throw new HttpError(405, 'method_not_allowed', `${method} is not allowed on ${path}`);
    throw new HttpError(404, 'not_found', `No such endpoint: ${path}`);
  }
}

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

interface Route {
  method: string;
  re: RegExp;
  names: string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    const names: string[] = [];
    const re = new RegExp(
      '^' + pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:([a-zA-Z]+)/g, (_m, n: string) => (names.push(n), '([^/]+)')) + '$',
    );
    this.routes.push({ method, re, names, handler });
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
      r.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1]!)));
      return { handler: r.handler, params };
    }
    if (pathMatched) throw new HttpError(405, 'method_not_allowed', `${method} is not allowed on ${path}`);
    throw new HttpError(404, 'not_found', `No such endpoint: ${path}`);
  }
}

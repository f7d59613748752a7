/**
 * Static routes (like Postfix transport maps): a recipient domain that matches
 * a route is sent to the route's host:port instead of its MX hosts.
 *
 * Match forms: 'example.com' (that domain only), '*.example.com' (any
 * subdomain, not example.com itself) and '*' (every domain: a smarthost).
 * Precedence: exact, then the longest matching wildcard suffix, then '*'.
 *
 * Invariants: compileRoutes validates every entry (throws RouteConfigError
 * naming the bad entry) and rejects duplicate matches; lookups cost
 * O(labels of the domain). Matching is case-insensitive; a trailing dot is
 * ignored.
 */

export interface StaticRoute {
  readonly match: string;
  /** An IP address or a host name (resolved with A/AAAA, never MX). */
  readonly host: string;
  readonly port: number;
}

export class RouteConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RouteConfigError';
  }
}

export interface RouteTable {
  find(domain: string): StaticRoute | undefined;
  readonly size: number;
}

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

function isName(s: string): boolean {
  return s.length > 0 && s.length <= 253 && s.split('.').every((l) => LABEL.test(l));
}

function norm(s: string): string {
  return s.trim().toLowerCase().replace(/\.$/, '');
}

export function compileRoutes(routes: readonly StaticRoute[]): RouteTable {
  const exact = new Map<string, StaticRoute>();
  const wild = new Map<string, StaticRoute>();
  let catchAll: StaticRoute | undefined;
  for (const [i, r] of routes.entries()) {
    const where = `routes[${i}] ("${r.match}")`;
    const m = norm(r.match);
    if (!r.host || /\s/.test(r.host)) throw new RouteConfigError(`${where}: host must be an IP address or a host name`);
    if (!Number.isInteger(r.port) || r.port < 1 || r.port > 65535) throw new RouteConfigError(`${where}: port must be 1-65535`);
    const route: StaticRoute = { match: m, host: r.host.trim().toLowerCase().replace(/\.$/, ''), port: r.port };
    let table: Map<string, StaticRoute> | undefined;
    let key = m;
    if (m === '*') {
      if (catchAll) throw new RouteConfigError(`${where}: duplicate route for "*"`);
      catchAll = route;
      continue;
    } else if (m.startsWith('*.')) {
      key = m.slice(2);
      table = wild;
    } else table = exact;
    if (!isName(key)) throw new RouteConfigError(`${where}: match must be "domain", "*.domain" or "*"`);
    if (table.has(key)) throw new RouteConfigError(`${where}: duplicate route for "${m}"`);
    table.set(key, route);
  }
  return {
    size: routes.length,
    find(domain) {
      const d = norm(domain);
      const e = exact.get(d);
      if (e) return e;
      const labels = d.split('.');
      for (let i = 1; i < labels.length; i++) {
        const w = wild.get(labels.slice(i).join('.'));
        if (w) return w;
      }
      return catchAll;
    },
  };
}

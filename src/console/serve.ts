/**
 * Serves the web console: `/` (index.html with the import map) and the
 * files under `/console/…`, from an allow-list built at start — the
 * console's own files (src/console/static: *.js, *.css, *.svg) and a few
 * exact files of node_modules (Preact, its hooks, htm, uPlot). Nothing else
 * is reachable: no path is joined from the URL, so there is no traversal.
 * Every answer carries the Content-Security-Policy (scripts only from here,
 * the import map allowed by its hash; no inline script or style attributes,
 * API calls only to this origin), nosniff, no framing, no referrer.
 * Caching: vendor files are immutable for a day; the console's own files and
 * the page revalidate (ETag → 304). Limits: files are read once at start
 * (a changed console file needs a restart).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';

interface Asset {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
  readonly cache: string;
}

const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  html: 'text/html; charset=utf-8',
};

/** node_modules files the console imports, by the URL it uses. */
const VENDOR: Record<string, string> = {
  '/console/vendor/preact.mjs': 'preact/dist/preact.mjs',
  '/console/vendor/hooks.mjs': 'preact/hooks/dist/hooks.mjs',
  '/console/vendor/htm.mjs': 'htm/dist/htm.mjs',
  '/console/vendor/uplot.mjs': 'uplot/dist/uPlot.esm.js',
  '/console/vendor/uplot.css': 'uplot/dist/uPlot.min.css',
};

const IMPORT_MAP = JSON.stringify({
  imports: { preact: '/console/vendor/preact.mjs', 'preact/hooks': '/console/vendor/hooks.mjs', htm: '/console/vendor/htm.mjs', uplot: '/console/vendor/uplot.mjs' },
});

const root = fileURLToPath(new URL('../../../', import.meta.url));

function asset(body: Buffer, ext: string, cache: string): Asset {
  return { body, type: TYPES[ext]!, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`, cache };
}

export interface ConsoleFiles {
  /** Answers GET/HEAD for `/` and `/console/…`; false when the path is not the console's (the API router takes it). */
  handle(req: IncomingMessage, res: ServerResponse, path: string): boolean;
  readonly csp: string;
}

export function loadConsole(dirs: { static?: string; nodeModules?: string } = {}): ConsoleFiles {
  const staticDir = dirs.static ?? `${root}src/console/static/`;
  const modules = dirs.nodeModules ?? `${root}node_modules/`;
  const files = new Map<string, Asset>();
  for (const name of readdirSync(staticDir)) {
    const m = /^[a-z0-9-]+\.(js|css|svg)$/.exec(name);
    if (m) files.set(`/console/${name}`, asset(readFileSync(staticDir + name), m[1]!, 'no-cache'));
  }
  for (const [url, rel] of Object.entries(VENDOR)) {
    files.set(url, asset(readFileSync(modules + rel), url.endsWith('.css') ? 'css' : 'mjs', 'public, max-age=86400, immutable'));
  }
  const mapHash = createHash('sha256').update(IMPORT_MAP).digest('base64');
  const csp = [
    "default-src 'none'", `script-src 'self' 'sha256-${mapHash}'`, "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
    "font-src 'self'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
  ].join('; ');
  const html = readFileSync(staticDir + 'index.html', 'utf8').replace('<!--importmap-->', `<script type="importmap">${IMPORT_MAP}</script>`);
  const index = asset(Buffer.from(html), 'html', 'no-cache');
  files.set('/', index);
  files.set('/index.html', index);

  return {
    csp,
    handle(req, res, path) {
      if (path !== '/' && path !== '/index.html' && !path.startsWith('/console/')) return false;
      const a = files.get(path);
      const headers: Record<string, string> = {
        'content-security-policy': csp, 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer',
        'cross-origin-opener-policy': 'same-origin', 'cross-origin-resource-policy': 'same-origin',
      };
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { ...headers, allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
        return true;
      }
      if (!a) {
        res.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end('not found\n');
        return true;
      }
      const common = { ...headers, 'cache-control': a.cache, etag: a.etag };
      if (req.headers['if-none-match'] === a.etag) {
        res.writeHead(304, common).end();
        return true;
      }
      res.writeHead(200, { ...common, 'content-type': a.type, 'content-length': String(a.body.length) });
      res.end(req.method === 'HEAD' ? undefined : a.body);
      return true;
    },
  };
}

/**
 * How the gateway serves the console (no browser needed): `/` with the
 * import map and a strict CSP whose script hash matches it, the console's
 * files and the allow-listed vendor files with correct types and caching
 * (ETag → 304), nothing else (traversal attempts, other node_modules files,
 * unknown names → 404), GET/HEAD only, and `http.console: false` turning it
 * off. Addresses 127.0.183.x.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { startTestGateway, type TestGateway } from '../support/gateway.js';

let t: TestGateway;
before(async () => {
  t = await startTestGateway({ host: '127.0.183.1', config: { delivery: { hold: true } } });
});
after(async () => t?.stop());

/** Raw request (fetch would normalise `..` in the path). */
function get(path: string, o: { method?: string; headers?: Record<string, string>; base?: TestGateway } = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const g = o.base ?? t;
  return new Promise((resolve, reject) => {
    const req = request({ host: g.host, port: g.httpPort, path, method: o.method ?? 'GET', headers: o.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('/ is the console page with its import map, allowed by the CSP hash', async () => {
  const r = await get('/');
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
  assert.equal(r.headers['cache-control'], 'no-cache');
  assert.equal(r.headers['x-content-type-options'], 'nosniff');
  assert.equal(r.headers['x-frame-options'], 'DENY');
  assert.equal(r.headers['referrer-policy'], 'no-referrer');
  const csp = String(r.headers['content-security-policy']);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /connect-src 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  const map = /<script type="importmap">(.*?)<\/script>/.exec(r.body)![1]!;
  assert.ok(csp.includes(`'sha256-${createHash('sha256').update(map).digest('base64')}'`), 'the import map is allowed by its hash');
  assert.match(r.body, /<script type="module" src="\/console\/app\.js">/);
  assert.equal((await get('/index.html')).status, 200);
});

test('console files and vendor files: types, caching, ETag revalidation, HEAD', async () => {
  const app = await get('/console/app.js');
  assert.equal(app.status, 200);
  assert.equal(app.headers['content-type'], 'text/javascript; charset=utf-8');
  assert.equal(app.headers['cache-control'], 'no-cache');
  assert.ok(app.headers['content-security-policy']);
  const css = await get('/console/console.css');
  assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
  assert.equal((await get('/console/favicon.svg')).headers['content-type'], 'image/svg+xml');
  for (const v of ['preact.mjs', 'hooks.mjs', 'htm.mjs', 'uplot.mjs']) {
    const r = await get(`/console/vendor/${v}`);
    assert.equal(r.status, 200, v);
    assert.equal(r.headers['content-type'], 'text/javascript; charset=utf-8', v);
    assert.match(String(r.headers['cache-control']), /max-age=86400/, v);
  }
  assert.equal((await get('/console/vendor/uplot.css')).headers['content-type'], 'text/css; charset=utf-8');
  const etag = String(app.headers['etag']);
  const again = await get('/console/app.js', { headers: { 'if-none-match': etag } });
  assert.equal(again.status, 304);
  assert.equal(again.body, '');
  const head = await get('/console/app.js', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.body, '');
  assert.equal(head.headers['content-length'], app.headers['content-length']);
});

test('nothing outside the allow-list: traversal, other files, other methods', async () => {
  for (const p of [
    '/console/../package.json', '/console/%2e%2e/%2e%2e/package.json', '/console/..%2f..%2fpackage.json', '/console/vendor/../../../package.json',
    '/console/vendor/preact.js', '/console/vendor/react.mjs', '/console/serve.ts', '/console/serve.js', '/console/index.html', '/console/', '/console/APP.JS',
    '/console/node_modules/preact/package.json', '/console/app.js%00.css',
  ]) {
    const r = await get(p);
    assert.equal(r.status, 404, p);
    assert.doesNotMatch(r.body, /"name": "outpost"/, p);
  }
  assert.equal((await get('/console/app.js', { method: 'POST' })).status, 405);
  assert.equal((await get('/', { method: 'DELETE' })).status, 405);
  // The API is untouched.
  assert.equal((await get('/healthz')).status, 200);
  assert.equal((await get('/v1/nothing')).status, 404);
});

test('http.console: false serves no console', async () => {
  const off = await startTestGateway({ host: '127.0.183.2', config: { delivery: { hold: true }, http: { console: false } } });
  try {
    const r = await get('/', { base: off });
    assert.equal(r.status, 404);
    assert.match(r.body, /not_found/);
    assert.equal((await get('/console/app.js', { base: off })).status, 404);
  } finally {
    await off.stop();
  }
});

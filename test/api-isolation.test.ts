/**
 * The isolation walk: every endpoint of the router table (ENDPOINTS, so a new
 * endpoint is covered without touching this file) is called
 * - with no credentials → 401 (public endpoints excepted),
 * - with a tenant key on admin endpoints → 403, with an operator token on
 *   tenant endpoints → 403,
 * - with tenant B's key on tenant A's resources → 403/404, and a tenant list
 *   or create answered to B never mentions A's data;
 * afterwards A's data is unchanged, and A (or the operator) can use each
 * endpoint (no 401/403/5xx). Addresses 127.0.71.x.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENDPOINTS } from '../src/ingress/http/endpoints/index.js';
import { buildRouter } from '../src/ingress/http/routes.js';
import type { ApiServices } from '../src/ingress/http/services.js';
import { startApiGateway, type ApiGateway } from './api-support.js';

let t: ApiGateway;
let b: { apiKey: string };
const A: Record<string, string> = {};

before(async () => {
  t = await startApiGateway({ host: '127.0.71.1', config: { delivery: { hold: true }, metrics: { requireToken: true }, webhooks: { allowPrivateTargets: true } } });
  b = await t.addTenant('globex', 'globex.test');
  const sent = await t.call('POST', '/v1/messages', { key: t.tenant.apiKey, body: { from: 'ann@acme.test', to: ['x@example.net'], subject: 'secret plans', text: 'hi' } });
  assert.equal(sent.status, 202);
  const hook = await t.call('POST', '/v1/webhooks', { key: t.tenant.apiKey, body: { url: 'http://127.0.71.9:9/acme-hook', types: ['received'] } });
  assert.equal(hook.status, 201);
  A['messageId'] = sent.body.id;
  A['webhookId'] = hook.body.id;
  A['tenant'] = 'acme';
  A['domain'] = 'acme.test';
  A['credentialId'] = t.gw.tenants.credentials('acme').find((c) => c.kind === 'api')!.id;
  A['ip'] = '127.0.0.1';
  A['address'] = 'acme-only@example.net';
  assert.equal((await t.call('POST', '/v1/suppressions', { key: t.tenant.apiKey, body: { address: A['address'] } })).status, 201);
  A['reportId'] = '1';
});
after(async () => t.stop());

const fill = (path: string): string => path.replace(/:([a-zA-Z]+)/g, (_m, n: string) => {
  if (!(n in A)) throw new Error(`the isolation walk has no value for path parameter :${n}; add one of tenant A's resources to A`);
  return encodeURIComponent(A[n]!);
});
const exampleBody = (b0: unknown): unknown => (b0 === undefined ? undefined : JSON.parse(JSON.stringify(b0).replaceAll('{domain}', A['domain']!)));
const query = (q?: Readonly<Record<string, string>>): string => (q ? '?' + new URLSearchParams(q as Record<string, string>).toString() : '');

test('the walk covers the whole router table', () => {
  const routes = buildRouter({} as ApiServices).list();
  assert.equal(routes.length, ENDPOINTS.length);
  assert.ok(routes.length >= 30, `only ${routes.length} routes`);
  for (const e of ENDPOINTS) assert.ok(routes.some((r) => r.method === e.method && r.pattern === e.path && r.meta.auth === e.auth));
});

test('no credentials → 401 on every non-public endpoint', async () => {
  for (const e of ENDPOINTS) {
    const r = await t.call(e.method, fill(e.path) + query(e.example?.query), { key: null, body: exampleBody(e.example?.body) });
    if (e.auth === 'public') assert.ok(r.status < 400, `${e.method} ${e.path} is public: ${r.status}`);
    else {
      assert.equal(r.status, 401, `${e.method} ${e.path} without credentials: ${r.text}`);
      assert.equal(r.body.error.code, 'unauthorized');
    }
    const bad = await t.call(e.method, fill(e.path), { key: 'op_0123456789ab_notARealSecretValue' });
    if (e.auth !== 'public') assert.equal(bad.status, 401, `${e.method} ${e.path} with an unknown key`);
  }
});

test('tenant keys never reach admin endpoints (403); operator tokens are not tenant keys (403)', async () => {
  let admin = 0;
  for (const e of ENDPOINTS) {
    if (e.auth === 'operator' || e.auth === 'metrics') {
      admin++;
      for (const key of [t.tenant.apiKey, b.apiKey]) {
        const r = await t.call(e.method, fill(e.path) + query(e.example?.query), { key, body: exampleBody(e.example?.body) });
        assert.equal(r.status, 403, `${e.method} ${e.path} with a tenant key: ${r.text}`);
      }
    }
    if (e.auth === 'tenant') {
      const r = await t.call(e.method, fill(e.path), { key: t.operatorToken, body: exampleBody(e.example?.body) });
      assert.equal(r.status, 403, `${e.method} ${e.path} with an operator token`);
    }
  }
  assert.ok(admin >= 20);
});

test("tenant B gets 403/404 on tenant A's resources and never sees A's data", async () => {
  const secrets = [A['messageId']!, A['webhookId']!, 'acme', 'secret plans', A['address']!];
  let walked = 0;
  for (const e of ENDPOINTS.filter((x) => x.auth === 'tenant')) {
    walked++;
    const r = await t.call(e.method, fill(e.path) + query(e.example?.query), { key: b.apiKey, body: exampleBody(e.example?.body) });
    if (e.path.includes(':')) {
      assert.ok(r.status === 403 || r.status === 404, `${e.method} ${e.path} as tenant B on A's resource: ${r.status} ${r.text}`);
    } else if (r.status < 300) {
      for (const s of secrets) assert.ok(!r.text.includes(s), `${e.method} ${e.path} as tenant B mentions "${s}": ${r.text}`);
    } else {
      assert.ok(r.status === 403 || r.status === 404, `${e.method} ${e.path} as tenant B with A's data: ${r.status} ${r.text}`);
    }
  }
  assert.ok(walked >= 10);
  // A's resources are untouched.
  const m = await t.call('GET', `/v1/messages/${A['messageId']}`, { key: t.tenant.apiKey });
  assert.equal(m.status, 200);
  assert.equal(m.body.state === 'done', false, 'A’s message was not deleted');
  const w = await t.call('GET', `/v1/webhooks/${A['webhookId']}`, { key: t.tenant.apiKey });
  assert.equal(w.status, 200);
  assert.equal(w.body.enabled, true, 'A’s webhook was not disabled by B');
  assert.deepEqual(w.body.types, ['received']);
});

test('the owner (or the operator) can use every endpoint: no 401/403/5xx', async () => {
  const order = [...ENDPOINTS].sort((x, y) => Number(x.method === 'DELETE') - Number(y.method === 'DELETE'));
  for (const e of order) {
    const key = e.auth === 'tenant' ? t.tenant.apiKey : e.auth === 'public' ? null : t.operatorToken;
    const r = await t.call(e.method, fill(e.path) + query(e.example?.query), { key, body: exampleBody(e.example?.body) });
    assert.ok(![401, 403].includes(r.status) && r.status < 500, `${e.method} ${e.path} as its owner: ${r.status} ${r.text}`);
  }
});

/**
 * Suppression lists over the API on a real gateway: a tenant's own list and
 * the operator's view of any tenant's — add, list with reason filter and
 * address-prefix search in pages, CSV import (all or nothing, 413 above
 * 2 MiB) and export, remove; a suppressed recipient is refused at submission;
 * bad input → 400 naming the field. Addresses 127.0.75.x.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startApiGateway, type ApiGateway } from './api-support.js';

let t: ApiGateway;
let globex: { apiKey: string };

before(async () => {
  t = await startApiGateway({ host: '127.0.75.1', config: { delivery: { hold: true } } });
  globex = await t.addTenant('globex', 'globex.test');
});
after(async () => t.stop());

const own = (method: string, path: string, body?: unknown) => t.call(method, path, { key: t.tenant.apiKey, body });

test('tenant: add, list (filter, prefix, pages), export, remove; other tenants unaffected', async () => {
  const a = await own('POST', '/v1/suppressions', { address: 'Bob@Dest.test', reason: 'asked' });
  assert.equal(a.status, 201);
  assert.equal(a.body.added, true);
  assert.equal(a.body.entry.address, 'bob@dest.test');
  assert.equal(a.body.entry.source, 'api');
  assert.equal((await own('POST', '/v1/suppressions', { address: 'bob@dest.test' })).body.added, false);
  for (const x of ['bobby@dest.test', 'carol@dest.test', 'dave@other.test']) await own('POST', '/v1/suppressions', { address: x });

  const all = await own('GET', '/v1/suppressions');
  assert.deepEqual(all.body.data.map((x: { address: string }) => x.address), ['bob@dest.test', 'bobby@dest.test', 'carol@dest.test', 'dave@other.test']);
  assert.deepEqual((await own('GET', '/v1/suppressions?q=BOB')).body.data.map((x: { address: string }) => x.address), ['bob@dest.test', 'bobby@dest.test']);
  assert.deepEqual((await own('GET', '/v1/suppressions?reason=asked')).body.data.map((x: { address: string }) => x.address), ['bob@dest.test']);
  const p1 = await own('GET', '/v1/suppressions?limit=3');
  const p2 = await own('GET', `/v1/suppressions?limit=3&cursor=${p1.body.nextCursor}`);
  assert.deepEqual(p2.body.data.map((x: { address: string }) => x.address), ['dave@other.test']);
  assert.equal(p2.body.nextCursor, null);

  assert.equal((await t.call('GET', '/v1/suppressions', { key: globex.apiKey })).body.data.length, 0);
  assert.equal((await t.call('DELETE', '/v1/suppressions/bob@dest.test', { key: globex.apiKey })).status, 404);

  const csv = await fetch(`${t.baseUrl}/v1/suppressions/export`, { headers: { authorization: `Bearer ${t.tenant.apiKey}` } });
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type')!, /^text\/csv/);
  assert.match(await csv.text(), /^recipient,reason,date\n(.*\n){4}$/);

  assert.equal((await own('DELETE', `/v1/suppressions/${encodeURIComponent('BOB@dest.test')}`)).status, 204);
  assert.equal((await own('DELETE', '/v1/suppressions/bob@dest.test')).status, 404);
});

test('a suppressed recipient is refused at submission', async () => {
  await own('POST', '/v1/suppressions', { address: 'blocked@dest.test' });
  const r = await own('POST', '/v1/messages', { from: 'ann@acme.test', to: ['blocked@dest.test'], subject: 'x', text: 'y' });
  assert.ok(r.status >= 400, r.text);
  assert.match(r.text, /suppress/i);
});

test('operator: any tenant’s list; import all-or-nothing; 413 above the import limit', async () => {
  const imp = await t.call('POST', '/v1/admin/tenants/globex/suppressions/import', { body: { csv: 'recipient,reason,date\n"x1@dest.test",complaint,2026-01-02\nx2@dest.test,,\nx1@dest.test,dup,\n' } });
  assert.equal(imp.status, 200, imp.text);
  assert.deepEqual(imp.body, { rows: 3, added: 2, existing: 1 });
  const list = await t.call('GET', '/v1/admin/tenants/globex/suppressions?reason=complaint');
  assert.deepEqual(list.body.data.map((x: { address: string; createdAt: string }) => [x.address, x.createdAt]), [['x1@dest.test', '2026-01-02T00:00:00.000Z']]);
  const bad = await t.call('POST', '/v1/admin/tenants/globex/suppressions/import', { body: { csv: 'ok@dest.test\nnot an address\n' } });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error.message, /line 2: "not an address" is not an e-mail address/);
  assert.equal((await t.call('GET', '/v1/admin/tenants/globex/suppressions?q=ok')).body.data.length, 0, 'nothing added from a bad file');

  const big = Array.from({ length: 90_000 }, (_, i) => `user${i}@bulk-import.test,manual`).join('\n');
  assert.ok(big.length > 2 * 1024 * 1024);
  const tooBig = await t.call('POST', '/v1/suppressions/import', { key: t.tenant.apiKey, body: { csv: big } });
  assert.equal(tooBig.status, 413);
  const fits = Array.from({ length: 20_000 }, (_, i) => `user${i}@bulk-import.test,manual`).join('\n');
  const ok = await t.call('POST', '/v1/suppressions/import', { key: t.tenant.apiKey, body: { csv: fits } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.added, 20_000);

  assert.equal((await t.call('GET', '/v1/admin/tenants/nobody/suppressions')).status, 404);
  assert.equal((await t.call('DELETE', '/v1/admin/tenants/globex/suppressions/x2@dest.test')).status, 204);
});

test('bad input names the problem', async () => {
  const cases: Array<[string, string, unknown, number, RegExp]> = [
    ['POST', '/v1/suppressions', { address: 'not-an-address' }, 400, /address/],
    ['POST', '/v1/suppressions', { address: 42 }, 400, /address/],
    ['POST', '/v1/suppressions', { address: 'a@b.test', colour: 'red' }, 400, /colour/],
    ['POST', '/v1/suppressions', { address: 'a@b.test', reason: 'x'.repeat(101) }, 400, /reason/],
    ['POST', '/v1/suppressions', { address: 'a@b.test', reason: 'x'.repeat(70_000) }, 413, /./],
    ['POST', '/v1/suppressions/import', { csv: '' }, 400, /csv/],
    ['POST', '/v1/suppressions/import', { csv: ['a@b.test'] }, 400, /csv/],
    ['POST', '/v1/suppressions/import', { file: 'a@b.test' }, 400, /file|csv/],
    ['GET', '/v1/suppressions?limit=501', undefined, 400, /limit/],
    ['GET', '/v1/suppressions?cursor=%%%', undefined, 400, /cursor/],
    ['GET', '/v1/suppressions?prefix=bob', undefined, 400, /prefix/],
  ];
  for (const [method, path, body, status, re] of cases) {
    const r = await own(method, path, body);
    assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
    assert.match(r.body.error.message, re, `${method} ${path}: ${r.text}`);
  }
});

/**
 * The console's data endpoints over real HTTP against a gateway that
 * delivers to a sink: /v1/admin/stats/timeseries (platform and ?tenant=),
 * /v1/stats/timeseries (a tenant sees only its own mail), and
 * /v1/admin/tenants/overview (figures, state, sort, search, filter, cursor
 * pages), plus bad input (400 naming the field). The isolation walk covers
 * them through their examples. Addresses 127.0.182.x.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ReputationStore } from '../src/reputation/store.js';
import { openStateDb } from '../src/gateway.js';
import { eventually } from './api-support.js';
import { startConsoleWorld, type ConsoleWorld } from './console/support.js';

let w: ConsoleWorld;
let globex: { apiKey: string };
const sum = (a: number[]): number => a.reduce((x, y) => x + y, 0);

before(async () => {
  w = await startConsoleWorld(182);
  globex = await w.t.addTenant('globex', 'globex.test');
  await w.t.addTenant('initech', 'initech.test');
  for (let i = 0; i < 3; i++) await w.send(`a${i}@dest.test`, `acme ${i}`);
  await w.send('g@dest.test', 'globex 0', globex.apiKey, 'gus@globex.test');
  await w.sink.waitFor(4, 10_000);
  await eventually(async () => sum((await w.t.call('GET', '/v1/admin/stats/timeseries?minutes=5')).body.outcomes.delivered) === 4, 10_000, 'rollup of 4 deliveries');
});
after(async () => w?.close());

test('platform series: outcomes, pools and queue depth, one point a minute', async () => {
  const r = await w.t.call('GET', '/v1/admin/stats/timeseries?minutes=15');
  assert.equal(r.status, 200);
  const s = r.body;
  assert.equal(s.step, 60);
  assert.equal(s.points, 15);
  assert.equal(Date.parse(s.from) % 60_000, 0);
  assert.ok(Date.now() - Date.parse(s.from) < 15 * 60_000 && Date.now() - Date.parse(s.from) >= 14 * 60_000);
  for (const k of ['received', 'delivered', 'deferred', 'bounced', 'quarantined', 'rejected']) assert.equal(s.outcomes[k].length, 15, k);
  assert.equal(sum(s.outcomes.received), 4);
  assert.equal(sum(s.outcomes.delivered), 4);
  assert.equal(sum(s.pools.default), 4);
  assert.equal(s.spamShare.length, 15);
  assert.equal(s.queueDepth.length, 15);
  assert.ok(s.queueDepth.some((x: number | null) => x !== null), 'the queue was sampled at start');
  const one = await w.t.call('GET', '/v1/admin/stats/timeseries?minutes=15&tenant=globex');
  assert.equal(sum(one.body.outcomes.received), 1);
  assert.equal(one.body.pools, undefined);
  assert.equal((await w.t.call('GET', '/v1/admin/stats/timeseries?tenant=nosuch')).status, 404);
});

test("a tenant's series counts only its own mail and has no platform figures", async () => {
  const a = await w.t.call('GET', '/v1/stats/timeseries?minutes=5', { key: w.t.tenant.apiKey });
  const g = await w.t.call('GET', '/v1/stats/timeseries?minutes=5', { key: globex.apiKey });
  assert.equal(a.status, 200);
  assert.equal(sum(a.body.outcomes.received), 3);
  assert.equal(sum(a.body.outcomes.delivered), 3);
  assert.equal(sum(g.body.outcomes.received), 1);
  assert.equal(a.body.pools, undefined);
  assert.equal(a.body.queueDepth, undefined);
  // Tenant keys cannot read the platform series, nor another tenant's through ?tenant=.
  assert.equal((await w.t.call('GET', '/v1/admin/stats/timeseries?tenant=acme', { key: globex.apiKey })).status, 403);
  assert.equal((await w.t.call('GET', '/v1/stats/timeseries?tenant=acme', { key: globex.apiKey })).status, 400);
  assert.equal((await w.t.call('GET', '/v1/stats/timeseries', { key: null })).status, 401);
});

test('bad input is a 400 naming the field', async () => {
  for (const [q, field] of <Array<[string, string]>>[['minutes=4', 'minutes'], ['minutes=1441', 'minutes'], ['minutes=abc', 'minutes'], ['bogus=1', 'bogus']]) {
    const r = await w.t.call('GET', `/v1/admin/stats/timeseries?${q}`);
    assert.equal(r.status, 400, q);
    assert.match(r.body.error.message, new RegExp(field), q);
  }
  for (const [q, field] of <Array<[string, string]>>[['sort=volume', 'sort'], ['state=angry', 'state'], ['limit=0', 'limit'], ['cursor=xyz', 'cursor'], ['q=' + 'x'.repeat(101), 'q']]) {
    const r = await w.t.call('GET', `/v1/admin/tenants/overview?${q}`);
    assert.equal(r.status, 400, q);
    assert.match(r.body.error.message, new RegExp(field), q);
  }
});

test('tenants overview: figures, sparkline, sort, search, state filter and cursor pages', async () => {
  const r = await w.t.call('GET', '/v1/admin/tenants/overview?sort=-sent24h');
  assert.equal(r.status, 200);
  assert.equal(r.body.total, 3);
  assert.deepEqual(r.body.data.map((x: { id: string }) => x.id), ['acme', 'globex', 'initech']);
  const acme = r.body.data[0];
  assert.equal(acme.sent24h, 3);
  assert.equal(acme.delivered24h, 3);
  assert.equal(acme.state, 'normal');
  assert.equal(acme.bounceRate24h, 0);
  assert.equal(acme.complaintRate24h, 0);
  assert.equal(acme.spamShare24h, null, 'scanning is off in this gateway');
  assert.equal(acme.sparkline.length, 24);
  assert.equal(acme.sparkline[23], 3);
  assert.equal(r.body.data[2].bounceRate24h, null, 'no deliveries, no rate');

  const asc = await w.t.call('GET', '/v1/admin/tenants/overview?sort=sent24h');
  assert.deepEqual(asc.body.data.map((x: { id: string }) => x.id), ['initech', 'globex', 'acme']);
  const q = await w.t.call('GET', '/v1/admin/tenants/overview?q=GLOB');
  assert.deepEqual(q.body.data.map((x: { id: string }) => x.id), ['globex']);

  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const p: { status: number; body: { data: Array<{ id: string }>; nextCursor: string | null; total: number } } = await w.t.call('GET', `/v1/admin/tenants/overview?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(p.status, 200);
    assert.equal(p.body.total, 3);
    seen.push(...p.body.data.map((x) => x.id));
    cursor = p.body.nextCursor;
  } while (cursor);
  assert.deepEqual(seen, ['acme', 'globex', 'initech']);

  // A suspension (as `outpost tenant suspend` writes it) shows as the state, with its reason.
  const db = openStateDb(w.t.dataDir);
  new ReputationStore(db).transition({ tenantId: 'globex', at: Date.now(), from: 'normal', to: 'suspended', trigger: 'operator', actor: 'operator', reason: 'phishing reports', evidence: [] });
  db.close();
  const s = await eventually(async () => {
    const x = await w.t.call('GET', '/v1/admin/tenants/overview?state=suspended');
    return x.body.data.length === 1 ? x.body : null;
  }, 5000, 'suspended globex in the overview');
  assert.equal(s.data[0].id, 'globex');
  assert.equal(s.data[0].stateReason, 'phishing reports');
  await w.t.call('POST', '/v1/admin/tenants/initech/disable');
  const d = await eventually(async () => {
    const x = await w.t.call('GET', '/v1/admin/tenants/overview?state=disabled');
    return x.body.data.length === 1 ? x.body : null;
  }, 5000, 'disabled initech');
  assert.equal(d.data[0].id, 'initech');
  const byState = await w.t.call('GET', '/v1/admin/tenants/overview?sort=state');
  assert.deepEqual(byState.body.data.map((x: { id: string }) => x.id), ['globex', 'acme', 'initech'], 'most severe first');
});

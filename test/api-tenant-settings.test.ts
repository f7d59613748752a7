/**
 * Per-tenant policy and limits, state history and feedback reports over the
 * API on a real gateway: operators read, change (validated) and clear a
 * tenant's policy and limits, and the gateway applies them (a limit blocks
 * the next submission, unblock lifts it); tenants read their own and cannot
 * change them; state history pages with evidence; feedback reports filtered,
 * operators seeing unattributed ones, tenants only their own attributed ones;
 * bad input → 400. Addresses 127.0.76.x.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openStateDb } from '../src/gateway.js';
import { ReputationStore } from '../src/reputation/store.js';
import { startApiGateway, type ApiGateway } from './api-support.js';

let t: ApiGateway;
let globex: { apiKey: string };
const reports: number[] = [];

before(async () => {
  t = await startApiGateway({ host: '127.0.76.1', config: { delivery: { hold: true }, limits: { enabled: true } } });
  globex = await t.addTenant('globex', 'globex.test');
  const r = t.gw.feedback.reports;
  reports.push(r.add({ source: 'smtp', outcome: 'attributed', kind: 'complaint', format: 'arf', tenantId: 'acme', messageId: 'm1', method: 'verp', recipients: [{ rcpt: 'x@dest.test' }] }));
  reports.push(r.add({ source: 'smtp', outcome: 'attributed', kind: 'bounce', format: 'dsn', tenantId: 'acme', method: 'verp', recipients: [{ rcpt: 'y@dest.test', status: '5.1.1', hard: true }] }));
  reports.push(r.add({ source: 'smtp', outcome: 'attributed', kind: 'bounce', format: 'dsn', tenantId: 'globex', method: 'verp', recipients: [{ rcpt: 'z@dest.test', status: '5.1.1', hard: true }] }));
  reports.push(r.add({ source: 'smtp', clientIp: '192.0.2.7', outcome: 'unattributed', kind: 'complaint', format: 'arf', recipients: [], raw: Buffer.from('Subject: who\r\n\r\nunknown\r\n') }));
});
after(async () => t.stop());

test('policy: operator reads, overrides (validated) and clears; the tenant reads its own', async () => {
  const p0 = await t.call('GET', '/v1/admin/tenants/acme/policy');
  assert.equal(p0.status, 200);
  assert.deepEqual(p0.body.rows.find((r: { class: string }) => r.class === 'spam'), { class: 'spam', default: 'deliver:high-risk', tenant: null, effective: 'deliver:high-risk' });
  const set = await t.call('PATCH', '/v1/admin/tenants/acme/policy', { body: { spam: 'quarantine', suspect: 'deliver:default' } });
  assert.equal(set.status, 200, set.text);
  assert.equal(set.body.rows.find((r: { class: string }) => r.class === 'spam').effective, 'quarantine');
  assert.equal(t.gw.policy.store.overrides('acme').spam?.action, 'quarantine', 'the gateway’s own store sees it');
  const mine = await t.call('GET', '/v1/policy', { key: t.tenant.apiKey });
  assert.equal(mine.body.rows.find((r: { class: string }) => r.class === 'suspect').tenant, 'deliver:default');
  assert.equal((await t.call('GET', '/v1/policy', { key: globex.apiKey })).body.rows.find((r: { class: string }) => r.class === 'spam').tenant, null);
  assert.equal((await t.call('PATCH', '/v1/admin/tenants/acme/policy', { key: t.tenant.apiKey, body: { spam: 'deliver:default' } })).status, 403);
  const nopool = await t.call('PATCH', '/v1/admin/tenants/acme/policy', { body: { spam: 'deliver:nowhere' } });
  assert.equal(nopool.status, 400);
  assert.match(nopool.body.error.message, /nowhere/);
  assert.equal((await t.call('DELETE', '/v1/admin/tenants/acme/policy?class=suspect')).status, 204);
  assert.equal((await t.call('GET', '/v1/admin/tenants/acme/policy')).body.rows.find((r: { class: string }) => r.class === 'suspect').tenant, null);
  assert.equal((await t.call('DELETE', '/v1/admin/tenants/acme/policy')).status, 204);
  assert.equal((await t.call('GET', '/v1/admin/tenants/acme/policy')).body.rows.every((r: { tenant: string | null }) => r.tenant === null), true);
});

test('limits: an override blocks the next submission; unblock and clear', async () => {
  const set = await t.call('PATCH', '/v1/admin/tenants/globex/limits', { body: { tenant: { messagesPerMinute: 1 }, action: 'block' } });
  assert.equal(set.status, 200, set.text);
  assert.equal(set.body.effective.tenant.messagesPerMinute, 1);
  assert.deepEqual(set.body.overrides, { tenant: { messagesPerMinute: 1 }, action: 'block' });
  const send = () => t.call('POST', '/v1/messages', { key: globex.apiKey, body: { from: 'bob@globex.test', to: ['x@dest.test'], subject: 's', text: 't' } });
  // The gateway re-reads overrides within about 2 s.
  let blocked = false;
  for (let i = 0; i < 40 && !blocked; i++) {
    const r = await send();
    blocked = r.status >= 400 && /blocked/.test(r.text);
    if (!blocked) await new Promise((res) => setTimeout(res, 100));
  }
  assert.ok(blocked, 'the limit applied');
  const view = await t.call('GET', '/v1/limits', { key: globex.apiKey });
  assert.equal(view.body.blocks.length, 1);
  assert.equal(view.body.blocks[0].until, null);
  const un = await t.call('POST', '/v1/admin/tenants/globex/unblock', { body: {} });
  assert.deepEqual(un.body, { lifted: 1 });
  const unset = await t.call('PATCH', '/v1/admin/tenants/globex/limits', { body: { tenant: { messagesPerMinute: null }, action: null } });
  assert.deepEqual(unset.body.overrides, {});
  assert.equal((await t.call('DELETE', '/v1/admin/tenants/globex/limits')).status, 204);
  assert.equal((await t.call('GET', '/v1/limits', { key: t.tenant.apiKey })).body.tenant, 'acme');
});

test('state history: transitions with evidence, newest first, in pages; tenants see their own', async () => {
  const db = openStateDb(t.dataDir);
  try {
    const store = new ReputationStore(db);
    const ev = [{ signal: 'complaint-rate', window: '1h', value: 0.004, volume: 2000, threshold: 0.003, level: 'throttled' }];
    store.transition({ tenantId: 'acme', at: Date.parse('2026-11-27T10:00:00Z'), from: 'normal', to: 'watch', trigger: 'evidence', actor: 'engine', reason: 'complaints rising', evidence: ev });
    store.transition({ tenantId: 'acme', at: Date.parse('2026-11-27T11:00:00Z'), from: 'watch', to: 'throttled', trigger: 'evidence', actor: 'engine', reason: 'complaint rate 0.4 %', evidence: ev });
    store.transition({ tenantId: 'acme', at: Date.parse('2026-11-27T12:00:00Z'), from: 'throttled', to: 'normal', trigger: 'operator', actor: 'operator', reason: 'list cleaned', evidence: [] });
  } finally {
    db.close();
  }
  const p1 = await t.call('GET', '/v1/admin/tenants/acme/history?limit=2');
  assert.equal(p1.status, 200);
  assert.deepEqual(p1.body.data.map((h: { to: string; by: string }) => [h.to, h.by]), [['normal', 'operator'], ['throttled', 'engine']]);
  assert.equal(p1.body.data[1].from, 'watch');
  assert.equal(p1.body.data[1].at, '2026-11-27T11:00:00.000Z');
  assert.equal(p1.body.data[1].evidence[0].signal, 'complaint-rate');
  const p2 = await t.call('GET', `/v1/admin/tenants/acme/history?limit=2&cursor=${p1.body.nextCursor}`);
  assert.deepEqual(p2.body.data.map((h: { to: string }) => h.to), ['watch']);
  assert.equal(p2.body.nextCursor, null);
  assert.equal((await t.call('GET', '/v1/reputation/history', { key: t.tenant.apiKey })).body.data.length, 3);
  assert.equal((await t.call('GET', '/v1/reputation/history', { key: globex.apiKey })).body.data.length, 0);
  assert.equal((await t.call('GET', '/v1/admin/tenants/nobody/history')).status, 404);
});

test('feedback reports: operators see all (filters, raw copy), tenants their own attributed ones', async () => {
  const all = await t.call('GET', '/v1/admin/feedback-reports');
  assert.deepEqual(all.body.data.map((r: { id: number }) => r.id), [...reports].reverse());
  assert.deepEqual((await t.call('GET', '/v1/admin/feedback-reports?outcome=unattributed')).body.data.map((r: { id: number }) => r.id), [reports[3]]);
  assert.deepEqual((await t.call('GET', '/v1/admin/feedback-reports?tenant=acme&type=bounce')).body.data.map((r: { id: number }) => r.id), [reports[1]]);
  const one = await t.call('GET', `/v1/admin/feedback-reports/${reports[3]}`);
  assert.equal(one.body.clientIp, '192.0.2.7');
  assert.equal(one.body.hasRaw, true);
  const raw = await fetch(`${t.baseUrl}/v1/admin/feedback-reports/${reports[3]}/raw`, { headers: { authorization: `Bearer ${t.operatorToken}` } });
  assert.equal(await raw.text(), 'Subject: who\r\n\r\nunknown\r\n');
  assert.equal((await t.call('GET', `/v1/admin/feedback-reports/${reports[0]}/raw`)).status, 404);

  const mine = await t.call('GET', '/v1/feedback-reports', { key: t.tenant.apiKey });
  assert.deepEqual(mine.body.data.map((r: { id: number }) => r.id), [reports[1], reports[0]]);
  assert.equal('clientIp' in mine.body.data[0], false);
  assert.deepEqual((await t.call('GET', '/v1/feedback-reports?type=complaint', { key: t.tenant.apiKey })).body.data.map((r: { id: number }) => r.id), [reports[0]]);
  const p1 = await t.call('GET', '/v1/feedback-reports?limit=1', { key: t.tenant.apiKey });
  assert.deepEqual((await t.call('GET', `/v1/feedback-reports?limit=1&cursor=${p1.body.nextCursor}`, { key: t.tenant.apiKey })).body.data.map((r: { id: number }) => r.id), [reports[0]]);
  assert.equal((await t.call('GET', `/v1/feedback-reports/${reports[0]}`, { key: t.tenant.apiKey })).body.kind, 'complaint');
  assert.equal((await t.call('GET', `/v1/feedback-reports/${reports[2]}`, { key: t.tenant.apiKey })).status, 404, 'globex’s report');
  assert.equal((await t.call('GET', `/v1/feedback-reports/${reports[3]}`, { key: t.tenant.apiKey })).status, 404, 'unattributed');
});

test('bad input names the problem', async () => {
  const cases: Array<[string, string, unknown, number, RegExp]> = [
    ['PATCH', '/v1/admin/tenants/acme/policy', { spam: 'explode' }, 400, /spam/],
    ['PATCH', '/v1/admin/tenants/acme/policy', { evil: 'quarantine' }, 400, /evil/],
    ['PATCH', '/v1/admin/tenants/acme/policy', {}, 400, /at least one/],
    ['PATCH', '/v1/admin/tenants/acme/policy', { spam: 1 }, 400, /spam/],
    ['PATCH', '/v1/admin/tenants/acme/policy', { spam: 'quarantine', pad: 'x'.repeat(70_000) }, 413, /./],
    ['DELETE', '/v1/admin/tenants/acme/policy?class=ham', undefined, 400, /class/],
    ['PATCH', '/v1/admin/tenants/acme/limits', { tenant: { messagesPerMinute: -1 } }, 400, /messagesPerMinute/],
    ['PATCH', '/v1/admin/tenants/acme/limits', { tenant: { messagesPerMinute: 1.5 } }, 400, /messagesPerMinute/],
    ['PATCH', '/v1/admin/tenants/acme/limits', { tenant: { messagesPerHour: 5 } }, 400, /messagesPerHour/],
    ['PATCH', '/v1/admin/tenants/acme/limits', { action: 'nuke' }, 400, /action/],
    ['PATCH', '/v1/admin/tenants/acme/limits', { user: 'all' }, 400, /user/],
    ['POST', '/v1/admin/tenants/acme/unblock', { user: 5 }, 400, /user/],
    ['GET', '/v1/admin/tenants/acme/history?limit=x', undefined, 400, /limit/],
    ['GET', '/v1/admin/feedback-reports?type=spam', undefined, 400, /type/],
    ['GET', '/v1/admin/feedback-reports?outcome=great', undefined, 400, /outcome/],
    ['GET', '/v1/admin/feedback-reports/abc', undefined, 400, /reportId/],
    ['GET', '/v1/admin/feedback-reports/999999', undefined, 404, /999999/],
  ];
  for (const [method, path, body, status, re] of cases) {
    const r = await t.call(method, path, { body });
    assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
    assert.match(r.body.error.message, re, `${method} ${path}: ${r.text}`);
  }
  const tenantBad = await t.call('GET', '/v1/feedback-reports?outcome=unattributed', { key: t.tenant.apiKey });
  assert.equal(tenantBad.status, 400);
  assert.match(tenantBad.body.error.message, /outcome/);
});

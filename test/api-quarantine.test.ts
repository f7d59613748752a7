/**
 * Quarantine over the API, end to end on a real gateway (scanner on, policy
 * spam → quarantine): admin and tenant lists with filters and pages, one held
 * message with reasons, header fields and a text preview, tenant delete (and
 * release refused while quarantine.tenantRelease is off), admin release
 * through the scan to a forced pool, bulk delete by filter; bad input → 400/413
 * naming the problem. Addresses 127.0.73.x.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import { eventually, startApiGateway, type ApiGateway } from './api-support.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../../test/fixtures/${name}`, import.meta.url));
let t: ApiGateway;
let globex: { user: string; password: string; apiKey: string };
const ids: string[] = [];

async function submit(user: string, pass: string, from: string, raw: Buffer): Promise<string> {
  const info = await nodemailer
    .createTransport({ host: t.host, port: t.smtpPort, auth: { user, pass }, tls: { rejectUnauthorized: false } })
    .sendMail({ envelope: { from, to: ['victim@example.net', 'second@example.net'] }, raw });
  return /queued as (\S+)/.exec(info.response)![1]!;
}

before(async () => {
  t = await startApiGateway({ host: '127.0.73.1', config: { scan: { enabled: true, threads: 1 }, delivery: { hold: true }, policy: { spam: 'quarantine' } } });
  globex = await t.addTenant('globex', 'globex.test');
  const phish = fixture('spam-phish.eml');
  for (let i = 0; i < 3; i++) ids.push(await submit(t.tenant.user, t.tenant.password, 'ann@acme.test', phish));
  ids.push(await submit(globex.user, globex.password, 'bob@globex.test', Buffer.from(phish.toString('latin1').replaceAll('acme.test', 'globex.test'), 'latin1')));
  await eventually(async () => (await t.call('GET', '/v1/admin/quarantine')).body.data.length === 4, 20_000, 'four held messages');
});
after(async () => t.stop());

test('admin list: every tenant, filters, pages and the item fields', async () => {
  const all = await t.call('GET', '/v1/admin/quarantine');
  assert.equal(all.status, 200);
  const item = all.body.data.find((x: { id: string }) => x.id === ids[0]);
  assert.equal(item.tenant, 'acme');
  assert.equal(item.from, 'ann@acme.test');
  assert.deepEqual(item.rcpts, ['victim@example.net', 'second@example.net']);
  assert.equal(item.class, 'spam');
  assert.ok(item.reasons.some((r: string) => r.startsWith('url-ip-literal')), item.reasons.join(' | '));
  assert.equal(Date.parse(item.expiresAt) - Date.parse(item.quarantinedAt), 30 * 86_400_000);
  assert.equal((await t.call('GET', '/v1/admin/quarantine?tenant=acme')).body.data.length, 3);
  assert.equal((await t.call('GET', '/v1/admin/quarantine?reason=url-ip-literal&class=spam')).body.data.length, 4);
  assert.equal((await t.call('GET', '/v1/admin/quarantine?reason=no-such-rule')).body.data.length, 0);
  assert.equal((await t.call('GET', '/v1/admin/quarantine?since=2999-01-01T00:00:00Z')).body.data.length, 0);
  const p1 = await t.call('GET', '/v1/admin/quarantine?limit=3');
  assert.equal(p1.body.data.length, 3);
  assert.ok(p1.body.nextCursor);
  const p2 = await t.call('GET', `/v1/admin/quarantine?limit=3&cursor=${p1.body.nextCursor}`);
  assert.equal(p2.body.data.length, 1);
  assert.equal(p2.body.nextCursor, null);
  assert.deepEqual(new Set([...p1.body.data, ...p2.body.data].map((x: { id: string }) => x.id)), new Set(ids));
});

test('admin show: header fields, a text preview and the events', async () => {
  const r = await t.call('GET', `/v1/admin/quarantine/${ids[0]}`);
  assert.equal(r.status, 200);
  assert.ok(r.body.headers.some((h: { name: string }) => h.name === 'subject'), JSON.stringify(r.body.headers));
  assert.ok(r.body.headers.length <= 50);
  assert.ok(r.body.textPreview.length > 0 && Buffer.byteLength(r.body.textPreview) <= 4096);
  assert.ok(r.body.events.some((e: { type: string }) => e.type === 'scanned'));
  assert.equal((await t.call('GET', '/v1/admin/quarantine/nosuchmessage0000000')).status, 404);
});

test('tenants see and delete only their own; release is the operator’s unless configured', async () => {
  const mine = await t.call('GET', '/v1/quarantine', { key: t.tenant.apiKey });
  assert.equal(mine.body.data.length, 3);
  assert.ok(mine.body.data.every((x: { tenant: string }) => x.tenant === 'acme'));
  const theirs = await t.call('GET', '/v1/quarantine', { key: globex.apiKey });
  assert.deepEqual(theirs.body.data.map((x: { id: string }) => x.id), [ids[3]]);
  assert.equal((await t.call('GET', `/v1/quarantine/${ids[0]}`, { key: globex.apiKey })).status, 404);
  assert.equal((await t.call('DELETE', `/v1/quarantine/${ids[0]}`, { key: globex.apiKey })).status, 404);
  assert.equal((await t.call('POST', `/v1/quarantine/${ids[0]}/release`, { key: globex.apiKey })).status, 404);
  const bulkOther = await t.call('POST', '/v1/quarantine/bulk', { key: globex.apiKey, body: { action: 'delete', ids: [ids[0], ids[1]] } });
  assert.deepEqual(bulkOther.body, { action: 'delete', count: 0 });
  const spoofed = await t.call('POST', '/v1/quarantine/bulk', { key: globex.apiKey, body: { action: 'delete', filter: { tenant: 'acme' } } });
  assert.equal(spoofed.status, 403);
  const rel = await t.call('POST', `/v1/quarantine/${ids[0]}/release`, { key: t.tenant.apiKey });
  assert.equal(rel.status, 403);
  assert.match(rel.body.error.message, /tenantRelease/);
  assert.equal((await t.call('GET', `/v1/quarantine/${ids[0]}`, { key: t.tenant.apiKey })).status, 200);
  assert.equal((await t.call('DELETE', `/v1/quarantine/${ids[2]}`, { key: t.tenant.apiKey })).status, 204);
  assert.equal((await t.call('GET', `/v1/quarantine/${ids[2]}`, { key: t.tenant.apiKey })).status, 404);
  assert.equal((await t.gw.spool.getMessage(ids[2]!))?.state, 'done');
});

test('admin release: back through the scan, sent from the forced pool', async () => {
  const bad = await t.call('POST', `/v1/admin/quarantine/${ids[0]}/release`, { body: { pool: 'nope' } });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error.message, /pool/);
  const r = await t.call('POST', `/v1/admin/quarantine/${ids[0]}/release`, { body: { pool: 'default' } });
  assert.equal(r.status, 202);
  assert.deepEqual(r.body, { id: ids[0], released: true });
  const m = await eventually(async () => {
    const x = await t.gw.spool.getMessage(ids[0]!);
    return x?.state === 'active' ? x : null;
  }, 10_000, 'released message routed');
  assert.equal(m.route?.kind === 'deliver' ? m.route.pool : '', 'default');
  const ev = await t.gw.spool.events(ids[0]!);
  assert.ok(ev.some((e) => e.type === 'released' && String(e.data?.['by']).startsWith('api:')));
  assert.equal(ev.filter((e) => e.type === 'scanned').length, 2, 'scanned again after the release');
  assert.equal((await t.call('POST', `/v1/admin/quarantine/${ids[0]}/release`, { body: {} })).status, 404);
});

test('bulk: by filter and by ids', async () => {
  const r = await t.call('POST', '/v1/admin/quarantine/bulk', { body: { action: 'delete', filter: { tenant: 'globex', class: 'spam' } } });
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { action: 'delete', count: 1 });
  const byIds = await t.call('POST', '/v1/admin/quarantine/bulk', { body: { action: 'delete', ids: [ids[1], 'nosuchmessage0000000'] } });
  assert.deepEqual(byIds.body, { action: 'delete', count: 1 });
  assert.equal((await t.call('GET', '/v1/admin/quarantine')).body.data.length, 0);
});

test('bad input names the problem', async () => {
  const cases: Array<[string, string, unknown, number, RegExp]> = [
    ['GET', '/v1/admin/quarantine?class=evil', undefined, 400, /class/],
    ['GET', '/v1/admin/quarantine?limit=0', undefined, 400, /limit/],
    ['GET', '/v1/admin/quarantine?since=yesterday', undefined, 400, /since/],
    ['GET', '/v1/admin/quarantine?cursor=garbage', undefined, 400, /cursor/],
    ['GET', '/v1/admin/quarantine?colour=red', undefined, 400, /colour/],
    ['GET', '/v1/quarantine?tenant=acme', undefined, 400, /tenant/],
    ['POST', '/v1/admin/quarantine/bulk', { action: 'explode', ids: ['x'] }, 400, /action/],
    ['POST', '/v1/admin/quarantine/bulk', { action: 'delete' }, 400, /ids|filter/],
    ['POST', '/v1/admin/quarantine/bulk', { action: 'delete', ids: ['a'], filter: {} }, 400, /ids|filter/],
    ['POST', '/v1/admin/quarantine/bulk', { action: 'delete', ids: 'abc' }, 400, /ids/],
    ['POST', '/v1/admin/quarantine/bulk', { action: 'delete', ids: Array.from({ length: 1001 }, (_, i) => `m${i}`) }, 400, /ids/],
    ['POST', '/v1/admin/quarantine/bulk', { action: 'delete', filter: { tenant: 'acme', colour: 1 } }, 400, /colour/],
    ['POST', '/v1/admin/quarantine/bulk', { action: 'delete', filter: { before: 'soon' } }, 400, /before/],
    ['POST', `/v1/admin/quarantine/${ids[0]}/release`, { pool: 7 }, 400, /pool/],
    ['POST', `/v1/admin/quarantine/${ids[0]}/release`, { pool: 'default', force: true }, 400, /force/],
    ['POST', '/v1/admin/quarantine/bulk', { action: 'delete', ids: ['x'.repeat(60)], pad: 'y'.repeat(70_000) }, 413, /./],
  ];
  for (const [method, path, body, status, re] of cases) {
    const r = await t.call(method, path, { ...(path.startsWith('/v1/admin') ? {} : { key: t.tenant.apiKey }), body });
    assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
    assert.match(r.body.error.message, re, `${method} ${path}: ${r.text}`);
  }
});

test('with quarantine.tenantRelease on, a tenant releases its own mail — and the policy decides again', async () => {
  const g = await startApiGateway({ host: '127.0.73.2', config: { delivery: { hold: true }, policy: { clean: 'quarantine' }, quarantine: { tenantRelease: true } } });
  try {
    const sent = await g.call('POST', '/v1/messages', { key: g.tenant.apiKey, body: { from: 'ann@acme.test', to: ['x@example.net'], subject: 'held', text: 'hi' } });
    assert.equal(sent.status, 202);
    const id = sent.body.id as string;
    await eventually(async () => (await g.call('GET', `/v1/quarantine/${id}`, { key: g.tenant.apiKey })).status === 200, 10_000, 'held');
    const forced = await g.call('POST', `/v1/quarantine/${id}/release`, { key: g.tenant.apiKey, body: { pool: 'default' } });
    assert.equal(forced.status, 400, 'tenants cannot force a pool');
    assert.match(forced.body.error.message, /pool/);
    const r = await g.call('POST', `/v1/quarantine/${id}/release`, { key: g.tenant.apiKey });
    assert.equal(r.status, 202, r.text);
    // The policy still quarantines clean mail: the released message is held again.
    const ev = await eventually(async () => {
      const e = await g.gw.spool.events(id);
      return e.filter((x) => x.type === 'routed' || x.type === 'quarantined').length >= 2 && e.some((x) => x.type === 'released') ? e : null;
    }, 10_000, 'released and routed again');
    assert.match(String(ev.find((e) => e.type === 'released')!.data?.['by']), /^tenant:acme:/);
    await eventually(async () => (await g.gw.spool.getMessage(id))?.state === 'quarantined', 10_000, 'held again');
    const bulk = await g.call('POST', '/v1/quarantine/bulk', { key: g.tenant.apiKey, body: { action: 'release', filter: {} } });
    assert.deepEqual(bulk.body, { action: 'release', count: 1 });
  } finally {
    await g.stop();
  }
});

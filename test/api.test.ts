/**
 * Admin and tenant API behaviour over real HTTP against a real gateway:
 * tenants and credentials, domains, DKIM keys, pools and IPs, queue search
 * with cursor pagination, retry and delete, message histories, the event
 * stream, bad input (400 naming the field, 413, 415), and that the CLI and
 * the API share their code paths (a token made by the CLI works on the API;
 * `queue list` and GET /v1/admin/queue agree). Addresses 127.0.72.x.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../src/cli/main.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startApiGateway, eventually, type ApiGateway } from './api-support.js';

let t: ApiGateway;
let globex: { apiKey: string };
const ids: string[] = [];

function cli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const cfg = join(t.dataDir, 'cli.yaml');
  writeFileSync(cfg, `dataDir: ${JSON.stringify(t.dataDir)}\n`);
  return main([...args, '--config', cfg], { out: (l) => out.push(l), err: (l) => err.push(l) }).then((code) => ({ code, out, err }));
}

before(async () => {
  t = await startApiGateway({ host: '127.0.72.1', config: { delivery: { hold: true }, events: { flushInterval: '20ms' }, metrics: { sampleInterval: '50ms' } } });
  globex = await t.addTenant('globex', 'globex.test');
  for (let i = 0; i < 5; i++) {
    const r = await t.call('POST', '/v1/messages', { key: t.tenant.apiKey, body: { from: 'ann@acme.test', to: [`r${i}@dest${i % 2}.example`], subject: `m${i}`, text: 'x' } });
    assert.equal(r.status, 202);
    ids.push(r.body.id);
  }
  await t.call('POST', '/v1/messages', { key: globex.apiKey, body: { from: 'g@globex.test', to: ['r0@dest0.example'], text: 'x' } });
  await eventually(async () => (await t.call('GET', '/v1/admin/queue?state=active&tenant=acme')).body.data.length === 5, 5000, 'routed');
});
after(async () => t.stop());

describe('admin: tenants', () => {
  test('create, list with cursor pages, show, duplicate 409, bad name 400', async () => {
    for (const id of ['t-one', 't-two', 't-three']) assert.equal((await t.call('POST', '/v1/admin/tenants', { body: { id, domains: [`${id}.test`] } })).status, 201);
    assert.equal((await t.call('POST', '/v1/admin/tenants', { body: { id: 't-one', domains: ['x1.test'] } })).status, 409);
    const bad = await t.call('POST', '/v1/admin/tenants', { body: { id: 'Bad Name!', domains: ['x2.test'] } });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /invalid tenant name/);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r: { status: number; body: { data: Array<{ id: string }>; nextCursor: string | null } } = await t.call('GET', `/v1/admin/tenants?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(r.status, 200);
      assert.ok(r.body.data.length <= 2);
      seen.push(...r.body.data.map((x) => x.id));
      cursor = r.body.nextCursor;
      pages++;
    } while (cursor);
    assert.deepEqual(seen, ['acme', 'globex', 't-one', 't-three', 't-two']);
    assert.equal(pages, 3);
    const show = await t.call('GET', '/v1/admin/tenants/acme');
    assert.equal(show.body.id, 'acme');
    assert.ok(show.body.credentials.some((c: { kind: string }) => c.kind === 'api'));
    assert.ok(!show.text.includes('scrypt'), 'no hashes in the view');
    assert.equal((await t.call('GET', '/v1/admin/tenants/nobody')).status, 404);
  });

  test('credentials: a new API key works once issued, revoked it stops; disable/enable switches the tenant off and on', async () => {
    const k = await t.call('POST', '/v1/admin/tenants/t-one/credentials', { body: { kind: 'api' } });
    assert.equal(k.status, 201);
    assert.equal((await t.call('GET', '/v1/domains', { key: k.body.key })).body.data[0].domain, 't-one.test');
    const smtp = await t.call('POST', '/v1/admin/tenants/t-one/credentials', { body: { kind: 'smtp', username: 't-one-smtp' } });
    assert.equal(smtp.body.username, 't-one-smtp');
    assert.ok(await t.gw.tenants.authenticateSmtp('t-one-smtp', smtp.body.password));
    assert.equal((await t.call('POST', '/v1/admin/tenants/t-one/disable')).body.state, 'disabled');
    assert.equal((await t.call('GET', '/v1/domains', { key: k.body.key })).status, 401);
    assert.equal((await t.call('POST', '/v1/admin/tenants/t-one/enable')).body.state, 'enabled');
    assert.equal((await t.call('GET', '/v1/domains', { key: k.body.key })).status, 200);
    assert.equal((await t.call('DELETE', `/v1/admin/tenants/t-one/credentials/${k.body.id}`)).status, 204);
    assert.equal((await t.call('GET', '/v1/domains', { key: k.body.key })).status, 401);
    assert.equal((await t.call('DELETE', `/v1/admin/tenants/t-one/credentials/${k.body.id}`)).status, 404);
  });

  test('domains: add, conflict with another tenant, remove', async () => {
    assert.deepEqual((await t.call('POST', '/v1/admin/tenants/t-two/domains', { body: { domain: 'Extra.T-Two.test' } })).body.domains, ['extra.t-two.test', 't-two.test']);
    const c = await t.call('POST', '/v1/admin/tenants/t-two/domains', { body: { domain: 'acme.test' } });
    assert.equal(c.status, 409);
    assert.match(c.body.error.message, /another tenant/);
    assert.deepEqual((await t.call('DELETE', '/v1/admin/tenants/t-two/domains/extra.t-two.test')).body.domains, ['t-two.test']);
  });
});

describe('DKIM keys', () => {
  test('operator generates a key and gets the TXT record; the tenant lists its own keys and may generate for its own domain only', async () => {
    const k = await t.call('POST', '/v1/admin/dkim-keys', { body: { domain: 'acme.test', selector: 'api1', algorithm: 'ed25519' } });
    assert.equal(k.status, 201);
    assert.equal(k.body.record.name, 'api1._domainkey.acme.test');
    assert.match(k.body.record.value, /^v=DKIM1; k=ed25519; p=/);
    assert.ok(!k.text.includes('PRIVATE'));
    assert.equal((await t.call('POST', '/v1/admin/dkim-keys', { body: { domain: 'acme.test', selector: 'api2' } })).status, 409);
    assert.equal((await t.call('POST', '/v1/admin/dkim-keys', { body: { domain: 'nobody.test' } })).status, 404);
    const mine = await t.call('GET', '/v1/dkim-keys', { key: t.tenant.apiKey });
    assert.deepEqual(mine.body.data.map((x: { selector: string }) => x.selector), ['api1']);
    assert.deepEqual((await t.call('GET', '/v1/dkim-keys', { key: globex.apiKey })).body.data, []);
    assert.equal((await t.call('POST', '/v1/dkim-keys', { key: globex.apiKey, body: { domain: 'acme.test' } })).status, 404);
    const own = await t.call('POST', '/v1/dkim-keys', { key: globex.apiKey, body: { domain: 'globex.test', selector: 'g1' } });
    assert.equal(own.status, 201);
    assert.equal(own.body.record.name, 'g1._domainkey.globex.test');
  });
});

describe('admin: pools and IPs', () => {
  test('list pools; take an IP out of rotation and back; unknown IP 404', async () => {
    const p = await t.call('GET', '/v1/admin/pools');
    assert.deepEqual(p.body.data.map((x: { name: string }) => x.name), ['default', 'high-risk']);
    const out = await t.call('POST', '/v1/admin/ips/127.0.0.1/disable', { body: { reason: 'listed on example DNSBL' } });
    assert.equal(out.body.data[0].rotation, 'out');
    assert.equal(t.gw.pools.inRotation('default').length, 0, 'the gateway’s own registry sees it at once');
    assert.equal((await t.call('POST', '/v1/admin/ips/127.0.0.1/enable')).body.data[0].rotation, 'in');
    assert.equal((await t.call('POST', '/v1/admin/ips/192.0.2.99/disable')).status, 404);
  });
});

describe('queue and messages', () => {
  test('search by tenant, recipient, state and destination; cursor pages are disjoint and complete', async () => {
    const byRcpt = await t.call('GET', '/v1/admin/queue?rcpt=r3@dest1.example');
    assert.deepEqual(byRcpt.body.data.map((m: { id: string }) => m.id), [ids[3]]);
    const dest0 = await t.call('GET', '/v1/admin/queue?destination=dest0.example');
    assert.equal(dest0.body.data.length, 4, 'three of acme, one of globex');
    const acmeDest0 = await t.call('GET', '/v1/admin/queue?destination=dest0.example&tenant=acme&state=active');
    assert.deepEqual(acmeDest0.body.data.map((m: { id: string }) => m.id).sort(), [ids[0], ids[2], ids[4]].sort());
    const got: string[] = [];
    let cursor: string | null = null;
    do {
      const r: { body: { data: Array<{ id: string }>; nextCursor: string | null } } = await t.call('GET', `/v1/admin/queue?tenant=acme&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      got.push(...r.body.data.map((m) => m.id));
      cursor = r.body.nextCursor;
    } while (cursor);
    assert.deepEqual(got, [...ids].reverse(), 'newest first, each once');
    const tenantView = await t.call('GET', '/v1/messages?rcpt=r0@dest0.example', { key: globex.apiKey });
    assert.equal(tenantView.body.data.length, 1, 'globex sees only its own message to r0');
    assert.equal(tenantView.body.data[0].tenantId, undefined);
  });

  test('message history, retry now, delete; the same through the CLI', async () => {
    const m = await t.call('GET', `/v1/admin/messages/${ids[1]}`);
    assert.equal(m.body.tenantId, 'acme');
    assert.deepEqual(m.body.events.map((e: { type: string }) => e.type).slice(0, 2), ['received', 'queued']);
    assert.equal(m.body.jobs[0].destination, 'dest1.example');
    assert.equal((await t.call('POST', `/v1/admin/messages/${ids[1]}/retry`)).status, 202);
    assert.ok((await t.call('GET', `/v1/messages/${ids[1]}/events`, { key: t.tenant.apiKey })).body.data.some((e: { type: string }) => e.type === 'retry-requested'));
    assert.equal((await t.call('DELETE', `/v1/admin/messages/${ids[1]}?reason=spam%20run`)).status, 204);
    const gone = await t.call('DELETE', `/v1/admin/messages/${ids[1]}`);
    assert.equal(gone.status, 409);
    assert.equal((await t.call('POST', `/v1/admin/messages/${ids[1]}/retry`)).status, 409);
    assert.equal((await t.call('GET', '/v1/admin/messages/nope')).status, 404);
    const list = await cli(['queue', 'list', '--tenant', 'acme', '--json']);
    assert.equal(list.code, 0);
    const api = await t.call('GET', '/v1/admin/queue?tenant=acme');
    assert.deepEqual((JSON.parse(list.out[0]!) as Array<{ id: string }>).map((x) => x.id), api.body.data.map((x: { id: string }) => x.id));
    const r = await cli(['queue', 'retry', ids[1]!]);
    assert.equal(r.code, 1);
    assert.match(r.err[0]!, /nothing queued to retry/);
    const summary = await t.call('GET', '/v1/admin/queue/summary');
    assert.ok(summary.body.messages.active >= 4);
  });
});

describe('events', () => {
  test('the operator sees every event; a tenant its own; type filter; ascending polling with the cursor', async () => {
    const all = await eventually(async () => {
      const r = await t.call('GET', '/v1/admin/events?type=received&limit=500');
      return r.body.data.length >= 6 ? r : null;
    });
    assert.ok(all.body.data.some((e: { tenantId: string }) => e.tenantId === 'globex'));
    const mine = await t.call('GET', '/v1/events?limit=500', { key: globex.apiKey });
    assert.ok(mine.body.data.length > 0);
    assert.ok(mine.body.data.every((e: { tenantId: string }) => e.tenantId === 'globex'));
    const first = await t.call('GET', '/v1/admin/events?order=asc&limit=2');
    assert.ok(Number(first.body.data[0].id) < Number(first.body.data[1].id));
    const next = await t.call('GET', `/v1/admin/events?limit=2&cursor=${first.body.nextCursor}`);
    assert.ok(Number(next.body.data[0].id) > Number(first.body.data[1].id), 'the cursor keeps the ascending order');
    const routed = await t.call('GET', `/v1/admin/events?message=${ids[0]}`);
    assert.deepEqual(routed.body.data.map((e: { type: string }) => e.type).sort(), ['received', 'routed']);
    const cliEvents = await cli(['events', '--tenant', 'globex', '--type', 'received', '--json']);
    assert.equal((JSON.parse(cliEvents.out[0]!) as unknown[]).length, 1);
  });
});

describe('bad input', () => {
  const cases: Array<[string, string, string, Parameters<ApiGateway['call']>[2], number, RegExp]> = [
    ['unknown body field', 'POST', '/v1/admin/tenants', { body: { id: 'x-y', domains: ['x.test'], plan: 'gold' } }, 400, /body: unknown key plan/],
    ['wrong type', 'POST', '/v1/admin/tenants', { body: { id: 'x-y', domains: 'x.test' } }, 400, /body: domains: expected array/],
    ['missing field', 'POST', '/v1/admin/tenants/acme/credentials', { body: {} }, 400, /body: kind/],
    ['bad enum', 'POST', '/v1/admin/tenants/acme/credentials', { body: { kind: 'ftp' } }, 400, /body: kind: /],
    ['unknown query field', 'GET', '/v1/admin/queue?colour=red', {}, 400, /query: unknown key colour/],
    ['bad query type', 'GET', '/v1/admin/queue?limit=ten', {}, 400, /query: limit: expected number/],
    ['limit above the maximum', 'GET', '/v1/admin/queue?limit=501', {}, 400, /query: limit: .*500/],
    ['bad state', 'GET', '/v1/messages?state=lost', { key: '' }, 400, /query: state/],
    ['bad cursor', 'GET', '/v1/admin/tenants?cursor=garbage', {}, 400, /query: cursor/],
    ['bad time', 'GET', '/v1/admin/events?since=yesterday', {}, 400, /query: since: expected an ISO 8601/],
    ['bad event type', 'GET', '/v1/admin/events?type=delivered,exploded', {}, 400, /unknown event type "exploded"/],
    ['repeated query field', 'GET', '/v1/admin/queue?state=active&state=done', {}, 400, /given more than once/],
    ['malformed JSON', 'POST', '/v1/admin/tenants', { raw: '{"id": ' }, 400, /Malformed JSON/],
    ['wrong content type', 'POST', '/v1/admin/tenants', { raw: 'id=x', type: 'application/x-www-form-urlencoded' }, 415, /application\/json/],
    ['huge body', 'POST', '/v1/admin/tenants', { raw: JSON.stringify({ id: 'x'.repeat(70_000) }) }, 413, /exceeds the limit/],
    ['unknown endpoint', 'GET', '/v1/admin/nothing', {}, 404, /No such endpoint/],
    ['wrong method', 'PUT', '/v1/admin/tenants', {}, 405, /not allowed/],
  ];
  for (const [name, method, path, o, status, re] of cases) {
    test(`${name} → ${status}`, async () => {
      const r = await t.call(method, path, o?.key === '' ? { ...o, key: t.tenant.apiKey } : o);
      assert.equal(r.status, status, r.text);
      assert.equal(typeof r.body.error.code, 'string');
      assert.match(r.body.error.message, re);
    });
  }
});

describe('CLI and API share code paths', () => {
  test('a token made with `outpost admin token create` works on the admin API; revoked it does not', async () => {
    const made = await cli(['admin', 'token', 'create', 'ci-bot', '--json']);
    assert.equal(made.code, 0);
    const { id, token } = JSON.parse(made.out[0]!) as { id: string; token: string };
    assert.equal((await t.call('GET', '/v1/admin/pools', { key: token })).status, 200);
    assert.equal((await cli(['admin', 'token', 'revoke', id])).code, 0);
    assert.equal((await t.call('GET', '/v1/admin/pools', { key: token })).status, 401);
    const list = await cli(['admin', 'token', 'list']);
    assert.ok(list.out.join('\n').includes('ci-bot'));
    assert.ok(!list.out.join('\n').includes(token.slice('opa_000000000000_'.length)), 'the secret is never listed');
  });
});

describe('metrics', () => {
  test('/metrics: messages by source and route, queue depth and age, HTTP requests by route', async () => {
    await new Promise((r) => setTimeout(r, 120));
    const r = await fetch(`${t.baseUrl}/metrics`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /text\/plain/);
    const text = await r.text();
    assert.match(text, /outpost_messages_received_total\{source="http"\} 6/);
    assert.match(text, /outpost_messages_routed_total\{route="deliver"\} 6/);
    assert.match(text, /outpost_queue_messages\{state="active"\} [45]/);
    assert.match(text, /outpost_queue_oldest_age_seconds\{state="active"\} \d/);
    assert.match(text, /outpost_http_requests_total\{route="\/v1\/admin\/queue",status="200"\} \d+/);
    assert.match(text, /outpost_tenants\{state="enabled"\} \d/);
    assert.match(text, /outpost_webhook_backlog 0/);
    assert.ok(!/tenant=/.test(text), 'no tenant label');
  });
});

describe('reputation', () => {
  test('a tenant sees its own standing and transitions with evidence; the operator sees any tenant; the CLI agrees', async () => {
    const own = await t.call('GET', '/v1/reputation', { key: t.tenant.apiKey });
    assert.equal(own.status, 200);
    assert.equal(own.body.tenantId, 'acme');
    assert.equal(own.body.standing, 'normal');
    assert.ok(Array.isArray(own.body.history) && Array.isArray(own.body.rules) && own.body.rules.length > 0);
    const suspended = await cli(['tenant', 'suspend', 'globex', '--reason', 'phishing kit found']);
    assert.equal(suspended.code, 0, suspended.err.join('\n'));
    const admin = await t.call('GET', '/v1/admin/tenants/globex/reputation');
    assert.equal(admin.status, 200);
    assert.equal(admin.body.history[0].to, 'suspended');
    assert.equal(admin.body.history[0].reason, 'phishing kit found');
    const viaCli = await cli(['tenant', 'reputation', 'globex', '--json']);
    assert.equal(JSON.parse(viaCli.out.join('')).history[0].reason, 'phishing kit found');
    assert.equal((await t.call('GET', '/v1/admin/tenants/nobody/reputation')).status, 404);
    assert.equal((await t.call('GET', '/v1/admin/tenants/globex/reputation', { key: t.tenant.apiKey })).status, 403);
  });
});

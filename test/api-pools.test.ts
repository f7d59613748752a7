/**
 * Pools and IPs over the admin API on a real gateway: each IP's DNSBL status
 * per zone, warm-up quota and holds in GET /v1/admin/pools, one IP's status
 * and explanation, rotation in and out (an operator enable does not lift a
 * DNSBL hold); bad input → 400/404. Addresses 127.0.74.x.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startApiGateway, type ApiGateway } from './api-support.js';

let t: ApiGateway;
const ZONE = 'bl.example.test';

before(async () => {
  t = await startApiGateway({
    host: '127.0.74.1',
    config: {
      delivery: { hold: true },
      dnsbl: { interval: '1h', zones: [{ name: ZONE }] },
      pools: {
        default: { ips: [{ ip: '127.0.74.2', helo: 'a.out.test' }, { ip: '127.0.74.3', helo: 'b.out.test', warmup: { schedule: [50, 100] } }] },
        'high-risk': { ips: [{ ip: '127.0.74.4', helo: 'c.out.test' }] },
      },
    },
  });
});
after(async () => t.stop());

type Ip = { ip: string; rotation: string; reason: string; dnsbl: { listed: boolean; zones: Array<{ zone: string; listed: boolean; since: string | null; checkedAt: string | null }> }; warmup: { day: number; quota: number | null; sentToday: number } | null; holds: Array<{ reason: string; since: string }> };
const ipOf = async (ip: string): Promise<Ip> => {
  const r = await t.call('GET', '/v1/admin/pools');
  assert.equal(r.status, 200);
  return r.body.data.flatMap((p: { ips: Ip[] }) => p.ips).find((x: Ip) => x.ip === ip);
};

test('pools list each IP with DNSBL status per zone, warm-up and holds', async () => {
  const a = await ipOf('127.0.74.2');
  assert.deepEqual(a.dnsbl, { listed: false, zones: [{ zone: ZONE, listed: false, since: null, checkedAt: null }] });
  assert.equal(a.warmup, null);
  assert.deepEqual(a.holds, []);
  const b = await ipOf('127.0.74.3');
  assert.deepEqual(b.warmup, { day: 1, quota: 50, sentToday: 0 });

  // A listing as the DNSBL monitor records it: an open incident and a hold.
  t.gw.ipHealth.zoneStatus.record(ZONE, true, '');
  t.gw.ipHealth.incidents.listed('127.0.74.2', ZONE, '127.0.0.2', 'listed for tests');
  t.gw.pools.hold('127.0.74.2', `dnsbl:${ZONE}`, `listed on ${ZONE}`);
  const listed = await ipOf('127.0.74.2');
  assert.equal(listed.dnsbl.listed, true);
  assert.equal(listed.dnsbl.zones[0]!.listed, true);
  assert.ok(listed.dnsbl.zones[0]!.since && listed.dnsbl.zones[0]!.checkedAt);
  assert.equal(listed.rotation, 'out');
  assert.equal(listed.holds.length, 1);
  assert.match(listed.holds[0]!.reason, /listed on/);

  const one = await t.call('GET', '/v1/admin/ips/127.0.74.2');
  assert.equal(one.status, 200);
  assert.deepEqual(one.body.status.pools, ['default']);
  assert.equal(one.body.explanation.listings.length, 1);
  assert.ok(one.body.explanation.why.some((w: string) => w.includes(ZONE)));
});

test('rotation out and in; an operator enable leaves a DNSBL hold in place', async () => {
  const out = await t.call('POST', '/v1/admin/ips/127.0.74.4/rotation', { body: { inRotation: false, reason: 'maintenance' } });
  assert.equal(out.status, 200);
  assert.equal(out.body.rotation, 'out');
  assert.match(out.body.reason, /maintenance/);
  assert.deepEqual(out.body.pools, ['high-risk']);
  const back = await t.call('POST', '/v1/admin/ips/127.0.74.4/rotation', { body: { inRotation: true } });
  assert.equal(back.body.rotation, 'in');
  const held = await t.call('POST', '/v1/admin/ips/127.0.74.2/rotation', { body: { inRotation: true } });
  assert.equal(held.body.rotation, 'out', 'still held by the listing');
  assert.equal(held.body.holds.length, 1);
});

test('bad input names the problem', async () => {
  const cases: Array<[string, string, unknown, number, RegExp]> = [
    ['POST', '/v1/admin/ips/127.0.74.4/rotation', { inRotation: 'no' }, 400, /inRotation/],
    ['POST', '/v1/admin/ips/127.0.74.4/rotation', {}, 400, /inRotation/],
    ['POST', '/v1/admin/ips/127.0.74.4/rotation', { inRotation: true, colour: 'red' }, 400, /colour/],
    ['POST', '/v1/admin/ips/127.0.74.4/rotation', { inRotation: false, reason: 'x'.repeat(201) }, 400, /reason/],
    ['POST', '/v1/admin/ips/127.0.74.4/rotation', { inRotation: false, reason: 'x'.repeat(70_000) }, 413, /./],
    ['POST', '/v1/admin/ips/10.9.9.9/rotation', { inRotation: false }, 404, /10\.9\.9\.9/],
    ['GET', '/v1/admin/ips/10.9.9.9', undefined, 404, /10\.9\.9\.9/],
    ['GET', '/v1/admin/pools?x=1', undefined, 400, /x/],
  ];
  for (const [method, path, body, status, re] of cases) {
    const r = await t.call(method, path, { body });
    assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
    assert.match(r.body.error.message, re, `${method} ${path}: ${r.text}`);
  }
});

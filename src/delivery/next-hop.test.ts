import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../core/clock.js';
import { createResolver } from '../dns/resolver.js';
import { createNextHopResolver, type NextHop, type NextHopOptions } from './next-hop.js';
import { startDnsServer, type DnsTestServer } from '../../test/support/dns-server.js';

let dns: DnsTestServer;

before(async () => {
  dns = await startDnsServer({
    host: '127.0.55.1',
    zone: {
      'example.test': {
        MX: [
          { exchange: 'mx2.example.test', priority: 20 },
          { exchange: 'mx1.example.test', priority: 10 },
          { exchange: 'mx1.example.test', priority: 30 },
        ],
      },
      'mx1.example.test': { A: ['127.0.1.1'], AAAA: ['::1'] },
      'mx2.example.test': { A: ['127.0.1.2'] },
      'equal.test': {
        MX: [
          { exchange: 'a.equal.test', priority: 10 },
          { exchange: 'b.equal.test', priority: 10 },
          { exchange: 'c.equal.test', priority: 5 },
        ],
      },
      'a.equal.test': { A: ['127.0.2.1'] },
      'b.equal.test': { A: ['127.0.2.2'] },
      'c.equal.test': { A: ['127.0.2.3'] },
      'partial.test': {
        MX: [
          { exchange: 'gone.partial.test', priority: 1 },
          { exchange: 'noaddr.partial.test', priority: 2 },
          { exchange: 'ok.partial.test', priority: 3 },
        ],
      },
      'noaddr.partial.test': { TXT: ['no address here'] },
      'ok.partial.test': { A: ['127.0.3.3'] },
      'dead.test': { MX: [{ exchange: 'gone.dead.test', priority: 1 }] },
      'flaky.test': {
        MX: [
          { exchange: 'gone.flaky.test', priority: 1 },
          { exchange: 'broken.flaky.test', priority: 2 },
        ],
      },
      'broken.flaky.test': { rcode: 'SERVFAIL' },
      'implicit.test': { A: ['127.0.4.4'], TXT: ['v=spf1 a -all'] },
      'noaddr.test': { TXT: ['nothing'] },
      'nomail.test': { MX: [{ exchange: '.', priority: 0 }], A: ['127.0.5.5'] },
      'servfail.test': { rcode: 'SERVFAIL' },
      'relay.internal.test': { A: ['127.0.6.6'] },
    },
  });
});

after(async () => {
  await dns.close();
});

function hops(extra: Partial<NextHopOptions> = {}) {
  const resolver = createResolver({ servers: [dns.server], timeoutMs: 300, rounds: 1, clock: new FakeClock() });
  return createNextHopResolver({ resolver, defaultPort: 2525, ...extra });
}

function hostsOf(h: NextHop) {
  assert.equal(h.kind, 'hosts', JSON.stringify(h));
  return h.kind === 'hosts' ? h : assert.fail('unreachable');
}

test('MX hosts in preference order, duplicates folded, with all their addresses', async () => {
  const h = hostsOf(await hops().resolve('Example.Test'));
  assert.equal(h.source, 'mx');
  assert.deepEqual(h.hosts, [
    { host: 'mx1.example.test', addresses: ['127.0.1.1', '::1'], port: 2525, preference: 10 },
    { host: 'mx2.example.test', addresses: ['127.0.1.2'], port: 2525, preference: 20 },
  ]);
});

test('families restricts and orders the address lookups', async () => {
  const h = hostsOf(await hops({ families: [6, 4] }).resolve('example.test'));
  assert.deepEqual(h.hosts[0]!.addresses, ['::1', '127.0.1.1']);
  const v4 = hostsOf(await hops({ families: [4] }).resolve('example.test'));
  assert.deepEqual(v4.hosts[0]!.addresses, ['127.0.1.1']);
});

test('equal preferences are shuffled, lower preference always first', async () => {
  const orders = new Set<string>();
  for (const r of [0, 0.3, 0.6, 0.99]) {
    const h = hostsOf(await hops({ random: () => r }).resolve('equal.test'));
    assert.equal(h.hosts[0]!.host, 'c.equal.test');
    orders.add(h.hosts.map((x) => x.host).join(','));
  }
  assert.deepEqual([...orders].sort(), ['c.equal.test,a.equal.test,b.equal.test', 'c.equal.test,b.equal.test,a.equal.test']);
});

test('maxMxHosts keeps only the most preferred hosts', async () => {
  const h = hostsOf(await hops({ maxMxHosts: 1 }).resolve('equal.test'));
  assert.deepEqual(
    h.hosts.map((x) => x.host),
    ['c.equal.test'],
  );
});

test('MX hosts without an address are skipped', async () => {
  const h = hostsOf(await hops().resolve('partial.test'));
  assert.deepEqual(
    h.hosts.map((x) => [x.host, x.preference]),
    [['ok.partial.test', 3]],
  );
});

test('no MX host with an address: permanent 5.4.4, or transient when a lookup failed', async () => {
  assert.deepEqual(await hops().resolve('dead.test'), {
    kind: 'permanent',
    reply: { code: 550, enhanced: '5.4.4', text: 'No MX host of dead.test has an address record' },
  });
  const flaky = await hops().resolve('flaky.test');
  assert.equal(flaky.kind, 'transient');
  if (flaky.kind === 'transient') {
    assert.equal(flaky.reply.code, 451);
    assert.equal(flaky.reply.enhanced, '4.4.3');
    assert.match(flaky.reply.text, /broken\.flaky\.test/);
  }
});

test('no MX: implicit MX on the domain address; neither: permanent 5.1.2', async () => {
  const h = hostsOf(await hops().resolve('implicit.test'));
  assert.equal(h.source, 'implicit');
  assert.deepEqual(h.hosts, [{ host: 'implicit.test', addresses: ['127.0.4.4'], port: 2525, preference: 0 }]);
  const none = await hops().resolve('noaddr.test');
  assert.equal(none.kind, 'permanent');
  if (none.kind === 'permanent') assert.deepEqual([none.reply.code, none.reply.enhanced], [550, '5.1.2']);
});

test('null MX is a permanent 556 5.1.10 even when the domain has an A record', async () => {
  const h = await hops().resolve('nomail.test');
  assert.equal(h.kind, 'permanent');
  if (h.kind === 'permanent') assert.deepEqual([h.reply.code, h.reply.enhanced], [556, '5.1.10']);
});

test('a null MX beside real MX hosts is ignored', async () => {
  dns.set('mixed.test', {
    MX: [
      { exchange: '.', priority: 0 },
      { exchange: 'mx2.example.test', priority: 10 },
    ],
  });
  const h = hostsOf(await hops().resolve('mixed.test'));
  assert.deepEqual(
    h.hosts.map((x) => x.host),
    ['mx2.example.test'],
  );
});

test('NXDOMAIN is permanent 5.1.2; SERVFAIL and timeouts are transient 4.4.3', async () => {
  const nx = await hops().resolve('nowhere.test');
  assert.equal(nx.kind, 'permanent');
  if (nx.kind === 'permanent') assert.deepEqual([nx.reply.code, nx.reply.enhanced], [550, '5.1.2']);
  const sf = await hops().resolve('servfail.test');
  assert.equal(sf.kind, 'transient');
  if (sf.kind === 'transient') assert.deepEqual([sf.reply.code, sf.reply.enhanced], [451, '4.4.3']);
  dns.set('timeout.test', { drop: true });
  const to = await hops().resolve('timeout.test');
  assert.equal(to.kind, 'transient');
});

test('static routes override DNS; exact beats wildcard; IP or name hosts', async () => {
  const h = hops({
    routes: [
      { match: '*.example.test', host: '127.0.7.7', port: 2626 },
      { match: 'special.example.test', host: 'relay.internal.test', port: 2727 },
      { match: 'example.test', host: '127.0.8.8', port: 2828 },
      { match: 'nowhere.test', host: '127.0.9.9', port: 25 },
    ],
  });
  assert.deepEqual(await h.resolve('example.test'), {
    kind: 'hosts',
    source: 'route',
    hosts: [{ host: '127.0.8.8', addresses: ['127.0.8.8'], port: 2828, preference: 0 }],
  });
  assert.deepEqual(hostsOf(await h.resolve('a.b.example.test')).hosts[0]!.port, 2626);
  assert.deepEqual(hostsOf(await h.resolve('special.example.test')).hosts, [
    { host: 'relay.internal.test', addresses: ['127.0.6.6'], port: 2727, preference: 0 },
  ]);
  assert.equal(hostsOf(await h.resolve('nowhere.test')).source, 'route');
  assert.equal(hostsOf(await h.resolve('equal.test')).source, 'mx');
});

test('a route host without an address is a transient configuration error', async () => {
  const h = hops({ routes: [{ match: '*', host: 'missing-relay.test', port: 25 }] });
  const r = await h.resolve('anything.test');
  assert.equal(r.kind, 'transient');
  if (r.kind === 'transient') assert.deepEqual([r.reply.code, r.reply.enhanced], [451, '4.3.5']);
});

test('refused addresses: loopback MX hosts are dropped, a domain left with none fails permanently, static routes are exempt', async () => {
  const refuse = hops({ refuseAddress: (ip) => ip.startsWith('127.') || ip === '::1', routes: [{ match: 'routed.test', host: '127.0.7.7', port: 2626 }] });
  for (const d of ['example.test', 'implicit.test']) {
    const h = await refuse.resolve(d);
    assert.equal(h.kind, 'permanent', d);
    assert.ok(h.kind === 'permanent' && h.reply.enhanced === '5.4.4' && /does not connect to/.test(h.reply.text), JSON.stringify(h));
  }
  const partial = hops({ refuseAddress: (ip) => ip === '127.0.1.1' || ip === '::1' });
  assert.deepEqual(hostsOf(await partial.resolve('example.test')).hosts.map((x) => x.host), ['mx2.example.test']);
  assert.equal(hostsOf(await refuse.resolve('routed.test')).source, 'route');
  // Lookup failures stay transient even with refusal on.
  assert.equal((await refuse.resolve('servfail.test')).kind, 'transient');
});

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../core/clock.js';
import { createResolver } from './resolver.js';
import { DnsConfigError, parseServerAddress } from './transport.js';
import { startDnsServer, type DnsTestServer } from '../../test/support/dns-server.js';

const KEY = 'v=DKIM1; k=rsa; p=' + 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'.repeat(9);

let dns: DnsTestServer;
let backup: DnsTestServer;

before(async () => {
  dns = await startDnsServer({
    host: '127.0.54.1',
    negativeTtl: 30,
    zone: {
      'example.test': {
        MX: [
          { exchange: 'MX1.example.test.', priority: 10 },
          { exchange: 'mx2.example.test', priority: 20 },
        ],
        A: ['127.0.1.1', '127.0.1.2'],
        AAAA: ['2001:db8::25'],
        TXT: ['v=spf1 -all'],
        ttl: 120,
      },
      'long.test': { TXT: [KEY], ttl: 86400 },
      'zero.test': { A: ['127.0.2.2'], ttl: 0 },
      'nomail.test': { MX: [{ exchange: '.', priority: 0 }] },
      'broken.test': { rcode: 'SERVFAIL' },
      'refused.test': { rcode: 'REFUSED' },
      'silent.test': { drop: true },
      'slow.test': { A: ['127.0.3.3'], delayMs: 60 },
      'big.test': { TXT: Array.from({ length: 6 }, (_, i) => `${i}:` + 'x'.repeat(300)) },
      'www.alias.test': { CNAME: 'example.test', ttl: 30 },
    },
  });
  backup = await startDnsServer({
    host: '127.0.54.2',
    zone: {
      'broken.test': { A: ['127.0.4.4'] },
      'silent.test': { A: ['127.0.5.5'] },
    },
  });
});

after(async () => {
  await dns.close();
  await backup.close();
});

test('returns typed MX, A, AAAA, TXT answers with their TTL', async () => {
  const r = createResolver({ servers: [dns.server], timeoutMs: 500, clock: new FakeClock() });
  assert.deepEqual(await r.mx('Example.Test.'), {
    kind: 'ok',
    ttl: 120,
    records: [
      { exchange: 'mx1.example.test', priority: 10 },
      { exchange: 'mx2.example.test', priority: 20 },
    ],
  });
  assert.deepEqual(await r.a('example.test'), { kind: 'ok', ttl: 120, records: ['127.0.1.1', '127.0.1.2'] });
  assert.deepEqual(await r.aaaa('example.test'), { kind: 'ok', ttl: 120, records: ['2001:db8::25'] });
  assert.deepEqual(await r.txt('example.test'), { kind: 'ok', ttl: 120, records: ['v=spf1 -all'] });
  assert.deepEqual(await r.mx('nomail.test'), { kind: 'ok', ttl: 300, records: [{ exchange: '.', priority: 0 }] });
});

test('joins a long TXT record and clamps its TTL to maxTtlSec', async () => {
  const r = createResolver({ servers: [dns.server], timeoutMs: 500, clock: new FakeClock(), maxTtlSec: 600 });
  const res = await r.txt('long.test');
  assert.equal(res.kind, 'ok');
  if (res.kind !== 'ok') return;
  assert.deepEqual(res.records, [KEY]);
  assert.equal(res.ttl, 600);
});

test('answers larger than the UDP payload come over TCP', async () => {
  const r = createResolver({ servers: [dns.server], timeoutMs: 1000, clock: new FakeClock() });
  dns.resetQueries();
  const res = await r.txt('big.test');
  assert.equal(res.kind, 'ok');
  if (res.kind === 'ok') assert.equal(res.records.length, 6);
  assert.deepEqual(
    dns.queries.map((q) => q.transport),
    ['udp', 'tcp'],
  );
});

test('a CNAME chain yields the target records and the smallest TTL', async () => {
  const r = createResolver({ servers: [dns.server], timeoutMs: 500, clock: new FakeClock() });
  assert.deepEqual(await r.a('www.alias.test'), { kind: 'ok', ttl: 30, records: ['127.0.1.1', '127.0.1.2'] });
});

test('caches positive answers within their TTL, with the remaining TTL', async () => {
  const clock = new FakeClock();
  const r = createResolver({ servers: [dns.server], timeoutMs: 500, clock });
  dns.set('cache.test', { A: ['127.0.6.1'], ttl: 100 });
  dns.resetQueries();
  assert.deepEqual(await r.a('cache.test'), { kind: 'ok', ttl: 100, records: ['127.0.6.1'] });
  clock.advance(40_000);
  dns.set('cache.test', { A: ['127.0.6.2'], ttl: 100 });
  assert.deepEqual(await r.a('CACHE.test'), { kind: 'ok', ttl: 60, records: ['127.0.6.1'] });
  assert.equal(dns.queryCount('cache.test'), 1);
  clock.advance(60_001);
  assert.deepEqual(await r.a('cache.test'), { kind: 'ok', ttl: 100, records: ['127.0.6.2'] });
  assert.equal(dns.queryCount('cache.test'), 2);
  const s = r.stats();
  assert.equal(s.hits, 1);
  assert.equal(s.misses, 2);
});

test('TTL 0 is not cached unless minTtlSec says so', async () => {
  const clock = new FakeClock();
  dns.resetQueries();
  const r = createResolver({ servers: [dns.server], timeoutMs: 500, clock });
  await r.a('zero.test');
  await r.a('zero.test');
  assert.equal(dns.queryCount('zero.test'), 2);
  const r5 = createResolver({ servers: [dns.server], timeoutMs: 500, clock, minTtlSec: 5 });
  assert.deepEqual(await r5.a('zero.test'), { kind: 'ok', ttl: 5, records: ['127.0.2.2'] });
  await r5.a('zero.test');
  assert.equal(dns.queryCount('zero.test'), 3);
});

test('NXDOMAIN and NODATA are cached for the SOA negative TTL, capped', async () => {
  const clock = new FakeClock();
  const r = createResolver({ servers: [dns.server], timeoutMs: 500, clock });
  dns.resetQueries();
  assert.deepEqual(await r.mx('missing.test'), { kind: 'nxdomain' });
  assert.deepEqual(await r.txt('nomail.test'), { kind: 'nodata' });
  clock.advance(29_000);
  assert.deepEqual(await r.mx('missing.test'), { kind: 'nxdomain' });
  assert.deepEqual(await r.txt('nomail.test'), { kind: 'nodata' });
  assert.equal(dns.queryCount(), 2);
  clock.advance(2_000); // past the server's 30 s SOA minimum
  dns.set('missing.test', { MX: [{ exchange: 'mx.missing.test', priority: 5 }] });
  assert.equal((await r.mx('missing.test')).kind, 'ok');
  dns.delete('missing.test');

  const capped = createResolver({ servers: [dns.server], timeoutMs: 500, clock, negativeTtlSec: 5 });
  dns.resetQueries();
  await capped.a('gone.test');
  clock.advance(6_000);
  await capped.a('gone.test');
  assert.equal(dns.queryCount('gone.test'), 2);
});

test('SERVFAIL, REFUSED and timeouts are transient errors, never cached', async () => {
  const r = createResolver({ servers: [dns.server], timeoutMs: 150, rounds: 1, clock: new FakeClock() });
  dns.resetQueries();
  const sf = await r.a('broken.test');
  assert.equal(sf.kind, 'error');
  if (sf.kind === 'error') {
    assert.equal(sf.transient, true);
    assert.match(sf.detail, /SERVFAIL/);
  }
  await r.a('broken.test');
  assert.equal(dns.queryCount('broken.test'), 2);
  const rf = await r.a('refused.test');
  assert.ok(rf.kind === 'error' && /REFUSED/.test(rf.detail));
  const started = Date.now();
  const to = await r.a('silent.test');
  assert.ok(to.kind === 'error' && /no answer/.test(to.detail));
  assert.ok(Date.now() - started < 1000, 'timeout is bounded');
});

test('walks the server list on failure, `rounds` times', async () => {
  const r = createResolver({ servers: [dns.server, backup.server], timeoutMs: 150, clock: new FakeClock() });
  assert.deepEqual(await r.a('broken.test'), { kind: 'ok', ttl: 300, records: ['127.0.4.4'] });
  assert.deepEqual(await r.a('silent.test'), { kind: 'ok', ttl: 300, records: ['127.0.5.5'] });
  dns.resetQueries();
  const r2 = createResolver({ servers: [dns.server], timeoutMs: 150, rounds: 3, clock: new FakeClock() });
  assert.equal((await r2.mx('broken.test')).kind, 'error');
  assert.equal(dns.queryCount('broken.test'), 3);
});

test('concurrent identical questions share one query', async () => {
  const r = createResolver({ servers: [dns.server], timeoutMs: 500, clock: new FakeClock() });
  dns.resetQueries();
  const all = await Promise.all([r.a('slow.test'), r.a('slow.test'), r.a('SLOW.test')]);
  for (const x of all) assert.deepEqual(x, { kind: 'ok', ttl: 300, records: ['127.0.3.3'] });
  assert.equal(dns.queryCount('slow.test'), 1);
});

test('the cache is bounded, least recently used first out', async () => {
  const r = createResolver({ servers: [dns.server], timeoutMs: 500, clock: new FakeClock(), maxEntries: 2 });
  dns.resetQueries();
  await r.a('example.test'); // [example]
  await r.mx('example.test'); // [example A, example MX]
  await r.a('example.test'); // hit; A is now youngest
  await r.txt('example.test'); // evicts MX
  assert.equal(r.stats().entries, 2);
  await r.a('example.test'); // still cached
  await r.mx('example.test'); // re-queried
  assert.equal(dns.queryCount('example.test', 'A'), 1);
  assert.equal(dns.queryCount('example.test', 'MX'), 2);
});

test('rejects bad configuration and names early', async () => {
  assert.throws(() => createResolver({ servers: [], timeoutMs: 100 }), RangeError);
  assert.throws(() => createResolver({ servers: ['127.0.0.1:99999'], timeoutMs: 100 }), DnsConfigError);
  assert.deepEqual(parseServerAddress('[::1]:5353'), { host: '::1', port: 5353 });
  assert.deepEqual(parseServerAddress('::1'), { host: '::1', port: 53 });
  assert.deepEqual(parseServerAddress('10.0.0.1'), { host: '10.0.0.1', port: 53 });
  const r = createResolver({ servers: [dns.server], timeoutMs: 100 });
  const bad = await r.a('x'.repeat(70) + '.test');
  assert.equal(bad.kind, 'error');
});

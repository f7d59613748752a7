/**
 * Checks the test DNS server with independent clients: node's own resolver
 * (c-ares, over UDP) and dns2's TCP client, so the server is not only tested
 * against our resolver.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { Resolver } from 'node:dns/promises';
import dns2 from 'dns2';
import { startDnsServer, type DnsTestServer } from './dns-server.js';

const DKIM_KEY = 'v=DKIM1; k=rsa; p=' + 'A'.repeat(392); // a 2048-bit key is ~400 bytes

let srv: DnsTestServer;
let r: Resolver;

before(async () => {
  srv = await startDnsServer({
    host: '127.0.53.1',
    zone: {
      'Example.Test': {
        MX: [
          { exchange: 'mx1.example.test', priority: 10 },
          { exchange: 'mx2.example.test', priority: 20 },
        ],
        A: ['127.0.1.1'],
        AAAA: ['::1'],
        TXT: ['v=spf1 -all'],
        ttl: 120,
      },
      'sel._domainkey.example.test': { TXT: [DKIM_KEY] },
      'nomail.test': { MX: [{ exchange: '.', priority: 0 }] },
      'broken.test': { rcode: 'SERVFAIL' },
      'silent.test': { drop: true },
      'alias.test': { CNAME: 'example.test' },
      '*.dnsbl.test': { A: ['127.0.0.2'], TXT: ['listed'] },
    },
  });
  r = new Resolver({ timeout: 300, tries: 1 });
  r.setServers([srv.server]);
});

after(async () => {
  await srv.close();
});

test('answers MX, A, AAAA and TXT, case-insensitively, with the TTL given', async () => {
  const mx = await r.resolveMx('EXAMPLE.test');
  assert.deepEqual(
    mx.sort((a, b) => a.priority - b.priority),
    [
      { exchange: 'mx1.example.test', priority: 10 },
      { exchange: 'mx2.example.test', priority: 20 },
    ],
  );
  assert.deepEqual(await r.resolve4('example.test', { ttl: true }), [{ address: '127.0.1.1', ttl: 120 }]);
  assert.deepEqual(await r.resolve6('example.test'), ['::1']);
  assert.deepEqual(await r.resolveTxt('example.test'), [['v=spf1 -all']]);
});

test('splits long TXT values into 255-byte strings of one record', async () => {
  const txt = await r.resolveTxt('sel._domainkey.example.test');
  assert.equal(txt.length, 1);
  assert.deepEqual(
    txt[0]!.map((s) => s.length),
    [255, DKIM_KEY.length - 255],
  );
  assert.equal(txt[0]!.join(''), DKIM_KEY);
});

test('NXDOMAIN for unknown names, NODATA for missing types, rcode and drop faults', async () => {
  await assert.rejects(r.resolveMx('unknown.test'), { code: 'ENOTFOUND' });
  await assert.rejects(r.resolveTxt('mx-less.example.test'), { code: 'ENOTFOUND' });
  await assert.rejects(r.resolveMx('sel._domainkey.example.test'), { code: 'ENODATA' });
  await assert.rejects(r.resolveMx('broken.test'), { code: 'ESERVFAIL' });
  await assert.rejects(r.resolveMx('silent.test'), { code: 'ETIMEOUT' });
});

test('null MX, CNAME following and wildcards', async () => {
  assert.deepEqual(await r.resolveMx('nomail.test'), [{ exchange: '', priority: 0 }]);
  assert.deepEqual(await r.resolve4('alias.test'), ['127.0.1.1']);
  assert.deepEqual(await r.resolve4('2.0.0.127.dnsbl.test'), ['127.0.0.2']);
  assert.deepEqual(await r.resolveTxt('2.0.0.127.dnsbl.test'), [['listed']]);
  await assert.rejects(r.resolve4('dnsbl.test'), { code: 'ENOTFOUND' });
});

test('set, delete and the query counter change answers at run time', async () => {
  srv.resetQueries();
  srv.set('new.test', { A: ['127.0.9.9'] });
  assert.deepEqual(await r.resolve4('new.test'), ['127.0.9.9']);
  srv.set('NEW.test', { A: ['127.0.9.8'] });
  assert.deepEqual(await r.resolve4('new.test'), ['127.0.9.8']);
  srv.delete('new.test');
  await assert.rejects(r.resolve4('new.test'), { code: 'ENOTFOUND' });
  assert.equal(srv.queryCount('new.test', 'A'), 3);
  assert.equal(srv.queryCount('new.test', 'MX'), 0);
  assert.equal(srv.queryCount(), 3);
});

test('serves the same zone over TCP on the same port', async () => {
  const tcp = dns2.TCPClient({ dns: srv.host, port: srv.port });
  const res = await tcp('example.test', 'MX');
  assert.deepEqual(res.answers.map((a) => a.exchange).sort(), ['mx1.example.test', 'mx2.example.test']);
  assert.equal(srv.queries.at(-1)?.transport, 'tcp');
});

test('close() frees the port', async () => {
  const s = await startDnsServer({ host: '127.0.53.2', zone: { 'a.test': { A: ['127.0.0.1'] } } });
  const port = s.port;
  await s.close();
  const again = await startDnsServer({ host: '127.0.53.2', port, zone: {} });
  assert.equal(again.port, port);
  await again.close();
});

/**
 * RFC 5782 query names, the meaning of answer codes (built-in zone tables,
 * refusal codes, unexpected answers) and the self-test, against a real DNS
 * server on loopback.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createResolver } from '../dns/resolver.js';
import { startDnsServer, type DnsTestServer } from '../../test/support/dns-server.js';
import { knownCodes } from './known-zones.js';
import { monitoredZones, redactZone } from './monitor.js';
import { interpretAddresses, queryDnsbl, queryName, selfTest } from './query.js';

test('query names: reversed IPv4 octets, IPv6 nibbles (RFC 5782 §2.1, §2.4)', () => {
  assert.equal(queryName('192.0.2.99', 'zen.spamhaus.org'), '99.2.0.192.zen.spamhaus.org');
  assert.equal(queryName('127.0.0.2', 'BL.Example.'), '2.0.0.127.bl.example');
  assert.equal(
    queryName('2001:db8:1:2:3:4:567:89ab', 'bl.example'),
    'b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.bl.example',
  );
  assert.equal(queryName('2001:db8::1', 'v6.example'), '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.v6.example');
  assert.throws(() => queryName('not-an-ip', 'bl.example'), /not an IP address/);
});

test('code meanings: Spamhaus ZEN from the built-in table, config codes override, unknown codes still list', () => {
  const zen = knownCodes('zen.spamhaus.org');
  const a = interpretAddresses(['127.0.0.4', '127.0.0.2'], zen);
  assert.equal(a.kind, 'listed');
  assert.deepEqual(a.kind === 'listed' && a.codes.map((c) => c.code), ['127.0.0.2', '127.0.0.4']);
  assert.match(a.kind === 'listed' ? a.codes[0]!.meaning : '', /^Spamhaus SBL/);
  assert.match(a.kind === 'listed' ? a.codes[1]!.meaning : '', /XBL/);
  // DQS zones carry a key label in front; the suffix finds the table.
  assert.match(knownCodes('abcdef0123.zen.dq.spamhaus.net')['127.0.0.10'] ?? '', /PBL/);
  assert.deepEqual(knownCodes('bl.unknown.example'), {});
  const [z] = monitoredZones([{ name: 'ZEN.spamhaus.org.', codes: { '127.0.0.2': 'our own words' }, removeFromRotation: true }]);
  assert.equal(z!.name, 'zen.spamhaus.org');
  assert.equal(z!.codes['127.0.0.2'], 'our own words');
  assert.match(z!.codes['127.0.0.3'] ?? '', /CSS/);
  // A DQS access key is part of the zone name: it is queried but never shown.
  const [dqs] = monitoredZones([{ name: 'a1b2c3d4e5.zen.dq.spamhaus.net', removeFromRotation: true }]);
  assert.deepEqual([dqs!.name, dqs!.query], ['<key>.zen.dq.spamhaus.net', 'a1b2c3d4e5.zen.dq.spamhaus.net']);
  assert.equal(redactZone('zen.spamhaus.org'), 'zen.spamhaus.org');
  const u = interpretAddresses(['127.0.0.77'], {});
  assert.deepEqual(u, { kind: 'listed', codes: [{ code: '127.0.0.77', meaning: 'listed (code 127.0.0.77)' }] });
  assert.deepEqual(interpretAddresses([], zen), { kind: 'clear' });
});

test('127.255.255.x is a refused query, never a listing; other addresses are unexpected answers', () => {
  const r = interpretAddresses(['127.255.255.254'], knownCodes('zen.spamhaus.org'));
  assert.equal(r.kind, 'refused');
  assert.match(r.kind === 'refused' ? r.meaning : '', /public or open resolver/);
  // A refusal code wins even when a listing code comes with it.
  assert.equal(interpretAddresses(['127.0.0.2', '127.255.255.255'], {}).kind, 'refused');
  assert.match(JSON.stringify(interpretAddresses(['127.255.255.252'], {})), /typing error/);
  assert.match(JSON.stringify(interpretAddresses(['127.255.255.200'], {})), /query refused by the list \(code 127\.255\.255\.200\)/);
  // A resolver that rewrites NXDOMAIN to an advertising server must not list every IP.
  assert.equal(interpretAddresses(['198.51.100.7'], {}).kind, 'unexpected');
  assert.equal(interpretAddresses(['127.0.0.1'], {}).kind, 'unexpected');
});

describe('against a DNS server on loopback', () => {
  let dns: DnsTestServer;
  before(async () => {
    dns = await startDnsServer({
      host: '127.0.87.53',
      zone: {
        // A healthy list: test entry, one listed IP with a TXT reason.
        '2.0.0.127.good.bl': { A: ['127.0.0.2'], TXT: ['test entry'] },
        '10.2.0.192.good.bl': { A: ['127.0.0.3'], TXT: ['https://check.good.bl/query/ip/192.0.2.10'] },
        // No test entry: dead or misspelt zone.
        'unrelated.dead.bl': { A: ['127.0.0.2'] },
        // Lists everything, 127.0.0.1 included.
        '*.all.bl': { A: ['127.0.0.2'] },
        // Refuses us as a public resolver.
        '*.refusing.bl': { A: ['127.255.255.254'] },
        '*.servfail.bl': { rcode: 'SERVFAIL' },
      },
    });
  });
  after(() => dns.close());
  const resolver = () => createResolver({ servers: [dns.server], timeoutMs: 500, maxTtlSec: 0, negativeTtlSec: 0, rounds: 1 });

  test('a listed IP comes with its code meaning and the TXT reason; others are clear', async () => {
    const r = resolver();
    const listed = await queryDnsbl(r, '192.0.2.10', 'good.bl', { '127.0.0.3': 'snowshoe' });
    assert.deepEqual(listed, { kind: 'listed', codes: [{ code: '127.0.0.3', meaning: 'snowshoe' }], txt: 'https://check.good.bl/query/ip/192.0.2.10' });
    assert.deepEqual(await queryDnsbl(r, '192.0.2.11', 'good.bl', {}), { kind: 'clear' });
    assert.equal(dns.queryCount('11.2.0.192.good.bl', 'TXT'), 0, 'TXT is asked only for listed IPs');
  });

  test('self-test: 127.0.0.2 must be listed and 127.0.0.1 must not', async () => {
    const r = resolver();
    assert.deepEqual(await selfTest(r, 'good.bl', {}), { ok: true });
    const dead = await selfTest(r, 'dead.bl', {});
    assert.equal(dead.ok, false);
    assert.match(dead.ok ? '' : dead.problem, /test entry 127\.0\.0\.2 is not listed/);
    const all = await selfTest(r, 'all.bl', {});
    assert.match(all.ok ? '' : all.problem, /127\.0\.0\.1 is listed: the zone answers every query/);
    const refusing = await selfTest(r, 'refusing.bl', {});
    assert.match(refusing.ok ? '' : refusing.problem, /public or open resolver.*\(127\.255\.255\.254\)$/);
    const failing = await selfTest(r, 'servfail.bl', {});
    assert.match(failing.ok ? '' : failing.problem, /lookup failed: .*SERVFAIL/);
  });
});

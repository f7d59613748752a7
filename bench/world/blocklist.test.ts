import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Resolver } from 'node:dns/promises';
import { startDnsServer } from '../../test/support/dns-server.js';
import { Blocklist, createDnsblLookup, reverseName } from './blocklist.js';

test('reverseName builds the RFC 5782 query name and refuses non-IPv4', () => {
  assert.equal(reverseName('127.88.1.2', 'bl.world.test'), '2.1.88.127.bl.world.test');
  assert.throws(() => reverseName('::1', 'bl.test'), /not an IPv4 address/);
  assert.throws(() => reverseName('1.2.3.256', 'bl.test'), /not an IPv4 address/);
});

test('a reported IP is listed in the zone over real DNS, then expires; a new report extends it', async () => {
  const dns = await startDnsServer({ host: '127.0.91.53', negativeTtl: 1 });
  let clock = 0;
  const bl = new Blocklist(dns, 'bl.world.test', 300, () => clock);
  const resolver = new Resolver({ timeout: 1000, tries: 1 });
  resolver.setServers([dns.server]);
  try {
    const lookup = createDnsblLookup(dns.server, 'bl.world.test', 0);
    assert.equal(await lookup('127.88.1.1'), false);
    assert.equal(bl.report('127.88.1.1', 'gmail.world.test', 'spam share 80%'), true);
    assert.equal(await lookup('127.88.1.1'), true, 'listed: A 127.0.0.2 over DNS');
    assert.deepEqual(await resolver.resolve4('1.1.88.127.bl.world.test'), ['127.0.0.2']);
    assert.match((await resolver.resolveTxt('1.1.88.127.bl.world.test'))[0]!.join(''), /spam share 80% \(reported by gmail\.world\.test\)/);
    assert.equal(await lookup('127.88.1.2'), false, 'other IPs are not listed');
    await sleep(200);
    clock = 200;
    assert.equal(bl.report('127.88.1.1', 'yahoo.world.test', 'again'), false, 'already listed: extended, not a new listing');
    await sleep(200);
    assert.equal(await lookup('127.88.1.1'), true, 'still listed 400 ms after the first report (extended)');
    clock = 650; // what the run's clock reads when the listing expires
    await sleep(250);
    assert.equal(await lookup('127.88.1.1'), false, 'expired listFor after the last report');
    assert.equal(bl.history.length, 1);
    assert.deepEqual({ ...bl.history[0] }, { ip: '127.88.1.1', by: 'gmail.world.test', from: 0, to: 650, reason: 'spam share 80%' });
    bl.report('127.88.1.3', 'x', 'y');
    clock = 700;
    bl.closeAll();
    assert.equal(bl.history[1]!.to, 700);
    assert.equal(await lookup('127.88.1.3'), false);
  } finally {
    bl.closeAll();
    await dns.close();
  }
});

test('the lookup caches per IP for cacheMs and reads DNS failures as not listed', async () => {
  const dns = await startDnsServer({ host: '127.0.91.54', negativeTtl: 1 });
  try {
    const lookup = createDnsblLookup(dns.server, 'bl.test', 60_000);
    assert.equal(await lookup('10.0.0.1'), false);
    dns.set('1.0.0.10.bl.test', { A: ['127.0.0.2'] });
    assert.equal(await lookup('10.0.0.1'), false, 'cached answer');
    assert.equal(dns.queryCount('1.0.0.10.bl.test'), 1);
    dns.set('2.0.0.10.bl.test', { rcode: 'SERVFAIL' });
    assert.equal(await lookup('10.0.0.2'), false);
  } finally {
    await dns.close();
  }
});

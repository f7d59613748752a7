/**
 * The DNSBL monitor in a running gateway, against a blocklist zone served by
 * a real DNS server on loopback, with a short interval: listing takes a
 * default-pool IP out of rotation within one cycle, a refused query
 * (127.255.255.254) or a failed self-test is a broken monitor that changes
 * nothing, delisting returns the IP, and a pool's last IP is never removed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus, type PlatformEvent } from '../events/bus.js';
import { systemClock } from '../core/clock.js';
import { parseConfig } from '../config/load.js';
import { openSqlite } from '../db/sqlite.js';
import { createResolver } from '../dns/resolver.js';
import { createLogger } from '../log/logger.js';
import { openIpHealth } from '../pools/ip-health.js';
import { DnsblMonitor, monitoredZones } from './monitor.js';
import { queryName } from './query.js';
import { startDnsServer, type DnsTestServer } from '../../test/support/dns-server.js';
import { startTestGateway, type TestGateway } from '../../test/support/gateway.js';

const IP1 = '127.0.87.10';
const IP2 = '127.0.87.11';
const HR = '127.0.87.20';
const ZONE = 'bl.test';
const rev = (ip: string): string => `${ip.split('.').reverse().join('.')}.${ZONE}`;
const SELFTEST = `2.0.0.127.${ZONE}`;

let dns: DnsTestServer;
let t: TestGateway;
const events: PlatformEvent[] = [];

async function waitFor(what: string, cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
/** Waits until `n` more complete monitor cycles have started (each begins with the self-test query). */
async function cycles(n: number): Promise<void> {
  const start = dns.queryCount(SELFTEST, 'A');
  await waitFor(`${n} monitor cycles`, () => dns.queryCount(SELFTEST, 'A') >= start + n + 1);
  await t.gw.dnsbl!.runCycle(); // the one in progress (or a fresh one) has finished
}
const inRotation = (ip: string): boolean => t.gw.pools.all().some((x) => x.ip === ip && x.enabled);
const ofType = (type: string, ip?: string) => events.filter((e) => e.type === type && (ip === undefined || e.data['ip'] === ip));

before(async () => {
  dns = await startDnsServer({
    host: '127.0.87.53',
    zone: { [SELFTEST]: { A: ['127.0.0.2'], TXT: ['RFC 5782 test entry'] } },
  });
  t = await startTestGateway({
    host: '127.0.87.1',
    config: {
      dns: { servers: [dns.server], timeout: '500ms' },
      pools: {
        default: { ips: [{ ip: IP1, helo: 'out1.gw.test' }, { ip: IP2, helo: 'out2.gw.test' }] },
        'high-risk': { ips: [{ ip: HR, helo: 'risky.gw.test' }] },
      },
      dnsbl: { interval: '150ms', zones: [{ name: ZONE, codes: { '127.0.0.2': 'test list: spam source' } }] },
    },
  });
  t.gw.events.on((e) => events.push(e));
  await cycles(1);
});

after(async () => {
  await t.stop();
  await dns.close();
});

describe('DNSBL monitor', () => {
  test('listing a default-pool IP takes it out of rotation within one monitor cycle, with an ip-listed alert', async () => {
    assert.ok(inRotation(IP1) && inRotation(IP2));
    assert.equal(t.gw.ipHealth.zoneStatus.get(ZONE)?.ok, true);
    const before = dns.queryCount(SELFTEST, 'A');
    dns.set(rev(IP1), { A: ['127.0.0.2'], TXT: ['Listed: see https://bl.test/lookup/127.0.87.10'] });
    await waitFor('IP1 out of rotation', () => !inRotation(IP1));
    // The cycle running when the zone changed may have asked before the change; the next one must act.
    assert.ok(dns.queryCount(SELFTEST, 'A') - before <= 2, 'taken out within one full cycle');
    assert.ok(inRotation(IP2));
    const [listed] = ofType('ip-listed', IP1);
    assert.deepEqual(listed?.data, {
      ip: IP1, pools: ['default'], zone: ZONE,
      codes: [{ code: '127.0.0.2', meaning: 'test list: spam source' }],
      txt: 'Listed: see https://bl.test/lookup/127.0.87.10',
      rotation: 'removed from rotation',
    });
    const e = t.gw.ipHealth.explain(IP1);
    assert.equal(e.rotation, 'out');
    assert.match(e.why[0]!, /^out of rotation: listed on bl\.test \(127\.0\.0\.2: test list: spam source — list says: "Listed: see https:\/\/bl\.test\/lookup\/127\.0\.87\.10"\) \(since /);
  });

  test('a 127.255.255.254 answer is reported as a broken monitor and changes nothing', async () => {
    const alerts = ofType('alert').length;
    // If the zone's answers were used, IP1 would now be delisted and IP2 listed.
    dns.delete(rev(IP1));
    dns.set(rev(IP2), { A: ['127.255.255.254'] });
    await waitFor('zone reported broken', () => t.gw.ipHealth.zoneStatus.get(ZONE)?.ok === false);
    await cycles(2);
    const status = t.gw.ipHealth.zoneStatus.get(ZONE)!;
    assert.match(status.problem, /^query for 127\.0\.87\.11: query refused: query via a public or open resolver.*\(127\.255\.255\.254\)$/);
    const alert = ofType('alert').slice(alerts).find((a) => a.data['kind'] === 'dnsbl-monitor-broken');
    assert.equal(alert?.data['zone'], ZONE);
    assert.equal(ofType('alert').slice(alerts).filter((a) => a.data['kind'] === 'dnsbl-monitor-broken').length, 1, 'one alert, not one per cycle');
    assert.ok(!inRotation(IP1), 'IP1 stays out: a broken monitor does not delist');
    assert.ok(inRotation(IP2), 'IP2 stays in: a refusal is never a listing');
    assert.equal(ofType('ip-listed', IP2).length, 0);
    assert.equal(ofType('ip-delisted').length, 0);
    assert.match(t.gw.ipHealth.explain(IP2).why.join('\n'), /DNSBL monitor BROKEN for bl\.test since .*public or open resolver/);
  });

  test('delisting returns the IP (ip-delisted), once the zone answers properly again', async () => {
    dns.delete(rev(IP2));
    await waitFor('IP1 back in rotation', () => inRotation(IP1));
    assert.equal(t.gw.ipHealth.zoneStatus.get(ZONE)?.ok, true);
    const [d] = ofType('ip-delisted', IP1);
    assert.equal(d?.data['zone'], ZONE);
    assert.equal(d?.data['rotation'], 'in rotation');
    assert.equal(t.gw.ipHealth.explain(IP1).rotation, 'in');
    assert.deepEqual(t.gw.ipHealth.incidents.openListings(), []);
  });

  test('a zone failing the self-test is broken and its answers are ignored', async () => {
    dns.set(rev(IP2), { A: ['127.0.0.2'] });
    dns.delete(SELFTEST);
    await waitFor('zone reported broken', () => t.gw.ipHealth.zoneStatus.get(ZONE)?.ok === false);
    assert.match(t.gw.ipHealth.zoneStatus.get(ZONE)!.problem, /^self-test failed: test entry 127\.0\.0\.2 is not listed/);
    const n = dns.queryCount(rev(IP2), 'A');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(dns.queryCount(rev(IP2), 'A'), n, 'no IP is looked up on a zone that fails its self-test');
    assert.ok(inRotation(IP2));
    dns.delete(rev(IP2));
    dns.set(SELFTEST, { A: ['127.0.0.2'] });
    await waitFor('zone ok again', () => t.gw.ipHealth.zoneStatus.get(ZONE)?.ok === true);
    assert.equal(ofType('ip-listed', IP2).length, 0);
  });

  test('the last in-rotation IP of a pool is never removed, and the alert says so; it leaves once another IP is back', async () => {
    dns.set(rev(HR), { A: ['127.0.0.2'] });
    await waitFor('HR listed', () => ofType('ip-listed', HR).length === 1);
    assert.equal(ofType('ip-listed', HR)[0]!.data['rotation'], 'kept in rotation: last IP in rotation of pool high-risk');
    assert.ok(inRotation(HR));
    assert.match(t.gw.ipHealth.explain(HR).why.join('\n'), /listed on bl\.test \(127\.0\.0\.2: .*\) since .*: kept in rotation: last IP in rotation of pool high-risk/);

    // Both default IPs listed at once: one leaves, the other is the pool's last.
    dns.set(rev(IP1), { A: ['127.0.0.2'] });
    dns.set(rev(IP2), { A: ['127.0.0.2'] });
    await waitFor('both default IPs listed', () => ofType('ip-listed', IP1).length === 2 && ofType('ip-listed', IP2).length === 1);
    const [out, kept] = [IP1, IP2].sort((a, b) => Number(inRotation(a)) - Number(inRotation(b)));
    assert.ok(!inRotation(out!) && inRotation(kept!), 'exactly one default IP left rotation');
    assert.equal(ofType('ip-listed', kept).at(-1)!.data['rotation'], 'kept in rotation: last IP in rotation of pool default');

    // The removed one is delisted: it returns, and in the same cycle the kept one can leave.
    dns.delete(rev(out!));
    await waitFor('swap', () => inRotation(out!) && !inRotation(kept!));
    const alert = ofType('alert').find((a) => a.data['kind'] === 'ip-out-of-rotation' && a.data['ip'] === kept);
    assert.ok(alert, 'an alert says the kept IP is now out');
    assert.ok(inRotation(HR), 'the high-risk pool still has its only IP');
  });
});

describe('DNSBL monitor on its own', () => {
  test('IPv6 pool IPs are looked up in nibble form; an alert-only zone records the listing without touching rotation', async () => {
    const V6 = '2001:db8::10';
    const zone = 'alert.test';
    dns.set(`2.0.0.127.${zone}`, { A: ['127.0.0.2'] });
    dns.set(queryName(V6, zone), { A: ['127.0.0.3'], TXT: ['v6 listed'] });
    const config = parseConfig({
      pools: { default: { ips: [{ ip: '127.0.87.40', helo: 'a.gw.test' }, { ip: V6, helo: 'v6.gw.test' }] }, 'high-risk': { ips: [{ ip: '127.0.87.41', helo: 'b.gw.test' }] } },
      dnsbl: { zones: [{ name: zone, removeFromRotation: false }] },
    });
    const db = openSqlite(':memory:');
    const health = openIpHealth(db, config, systemClock);
    const bus = new EventBus();
    const seen: PlatformEvent[] = [];
    bus.on((e) => seen.push(e));
    const monitor = new DnsblMonitor({
      zones: monitoredZones(config.dnsbl.zones), intervalMs: 60_000,
      resolver: createResolver({ servers: [dns.server], timeoutMs: 500, maxTtlSec: 0, negativeTtlSec: 0 }),
      pools: health.pools, incidents: health.incidents, zoneStatus: health.zoneStatus, events: bus, clock: systemClock, log: createLogger('silent'),
    });
    const report = await monitor.runCycle();
    assert.deepEqual(report.zones, [{ zone, ok: true, problem: '' }]);
    assert.deepEqual(report.listed, [{ ip: V6, zone, codes: ['127.0.0.3'] }]);
    const listed = seen.find((e) => e.type === 'ip-listed');
    assert.equal(listed?.data['rotation'], 'unchanged (zone is alert-only)');
    assert.ok(health.pools.inRotation('default').some((x) => x.ip === V6));
    assert.match(health.explain(V6).why.join('\n'), /listed on alert\.test \(127\.0\.0\.3: listed \(code 127\.0\.0\.3\) — list says: "v6 listed"\) since .*: unchanged \(zone is alert-only\)/);
    // A second cycle with the same answer opens no second incident and emits nothing new.
    await monitor.runCycle();
    assert.equal(seen.filter((e) => e.type === 'ip-listed').length, 1);
    db.close();
  });
});

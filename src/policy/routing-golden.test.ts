/**
 * Golden routing tests: every row of fixtures/routing.json goes through the
 * full policy decider — a sender-domain lookup against a real DNS server on
 * loopback serving that row's zone, the row's verdict from the scan seam,
 * the row's tenant overrides and config — and must give the expected route
 * and "why this route" facts.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FakeClock } from '../core/clock.js';
import type { Source, Verdict, VerdictClass } from '../core/types.js';
import { createResolver } from '../dns/resolver.js';
import { startDnsServer, type DnsTestServer, type ZoneEntry } from '../../test/support/dns-server.js';
import { defaultTable, parseAction, type PolicyAction } from './action.js';
import { createPolicyDecider } from './decider.js';
import { createSenderDomainCheck } from './sender-domain.js';

interface Row {
  name: string;
  source?: Source;
  verdict?: { class: VerdictClass; score: number };
  scan?: boolean;
  tenant?: Record<string, string>;
  policy?: Record<string, string>;
  pools?: string[];
  dns: 'mx' | 'a-only' | 'aaaa-only' | 'none' | 'null-mx' | 'servfail';
  release?: { by: string; forcePool?: string };
  expect: {
    route: string; pool?: string; rule?: string; row?: string; tenantOverride?: string | null; reply?: string;
    adjustments?: number; senderStatus?: string; scanned?: boolean;
  };
}

const fixture = JSON.parse(readFileSync(new URL('../../../src/policy/fixtures/routing.json', import.meta.url), 'utf8')) as { rows: Row[] };
let dns: DnsTestServer;

const ZONES: Record<Row['dns'], ZoneEntry | null> = {
  mx: { MX: [{ exchange: 'mx.example.net', priority: 10 }] },
  'a-only': { A: ['192.0.2.10'] },
  'aaaa-only': { AAAA: ['2001:db8::10'] },
  none: null,
  'null-mx': { MX: [{ exchange: '.', priority: 0 }] },
  servfail: { rcode: 'SERVFAIL' },
};

before(async () => {
  const zone: Record<string, ZoneEntry> = {};
  fixture.rows.forEach((r, i) => {
    const z = ZONES[r.dns];
    if (z) zone[`row${i}.test`] = z;
  });
  dns = await startDnsServer({ host: '127.0.71.1', zone });
});
after(async () => dns.close());

test('the fixture has rows for every action and every DNS case', () => {
  const routes = new Set(fixture.rows.map((r) => r.expect.route));
  for (const k of ['deliver', 'quarantine', 'reject', 'drop']) assert.ok(routes.has(k), k);
  assert.equal(new Set(fixture.rows.map((r) => r.dns)).size, 6);
});

fixture.rows.forEach((row, i) => {
  test(`routing row ${i}: ${row.name}`, async () => {
    const clock = new FakeClock();
    const pools = row.pools ?? ['default', 'high-risk'];
    const p = { clean: 'deliver:default', suspect: 'deliver:high-risk', spam: 'deliver:high-risk', bouncePool: 'high-risk', noMailDomainPool: 'high-risk', ...row.policy };
    const overrides: Partial<Record<VerdictClass, PolicyAction>> = {};
    for (const [k, v] of Object.entries(row.tenant ?? {})) overrides[k as VerdictClass] = parseAction(v);
    let scans = 0;
    const verdict: Verdict | undefined = row.verdict
      ? { ...row.verdict, fingerprint: 'ab', reasons: [{ rule: 'rule-small', weight: 0.1, detail: 'x' }, { rule: 'rule-big', weight: 2.5, detail: 'y' }, { rule: 'rule-mid', weight: -1, detail: 'z' }, { rule: 'rule-tiny', weight: 0.01, detail: 'w' }] }
      : undefined;
    const decide = createPolicyDecider({
      ...(row.scan === false ? {} : { scan: async () => (scans++, verdict ?? { class: 'clean', score: 0, reasons: [], fingerprint: '' }) }),
      defaults: defaultTable(p, pools),
      overrides: () => overrides,
      bouncePool: p.bouncePool, noMailDomainPool: p.noMailDomainPool,
      senderDomain: createSenderDomainCheck(createResolver({ servers: [dns.server], timeoutMs: 500, clock, rounds: 1 }), clock),
      releaseOf: async () => (row.release ? { ...row.release, at: clock.now() } : null),
    });
    const source = row.source ?? 'smtp';
    const d = await decide(
      { id: `m${i}`, tenantId: 'acme', source, envelope: { mailFrom: source === 'bounce' ? '' : `ann@row${i}.test`, rcptTo: ['bob@example.net'] }, receivedAt: clock.now(), size: 100 },
      Buffer.from('Subject: x\r\n\r\nhello\r\n'),
    );
    const e = row.expect;
    assert.equal(d.route.kind, e.route);
    if (e.pool) assert.equal(d.route.kind === 'deliver' ? d.route.pool : undefined, e.pool);
    if (e.reply) assert.equal(d.route.kind === 'reject' ? `${d.route.reply.code} ${d.route.reply.enhanced}` : undefined, e.reply);
    const routed = d.events?.find((x) => x.type === 'routed')?.data as Record<string, unknown> | undefined;
    assert.ok(routed, 'a routed event explains the decision');
    assert.equal(routed['action'], e.route);
    assert.equal(routed['why'], d.route.why);
    if (e.rule) assert.equal(routed['rule'], e.rule);
    if (e.row) assert.equal(routed['row'], e.row);
    if (e.tenantOverride !== undefined) assert.equal(routed['tenantOverride'], e.tenantOverride);
    if (e.adjustments !== undefined) assert.equal((routed['adjustments'] as unknown[]).length, e.adjustments, JSON.stringify(routed['adjustments']));
    if (e.senderStatus) assert.equal((routed['senderDomain'] as { status: string }).status, e.senderStatus);
    if (e.scanned !== undefined) {
      assert.equal(scans > 0, e.scanned);
      assert.equal(d.events?.some((x) => x.type === 'scanned'), e.scanned && verdict !== undefined);
    }
    if (verdict && scans > 0) {
      assert.deepEqual(d.verdict, verdict);
      assert.deepEqual((routed['reasons'] as Array<{ rule: string }>).map((r) => r.rule), ['rule-big', 'rule-mid', 'rule-small'], 'top three reasons by weight');
      assert.equal(routed['class'], verdict.class);
    }
    if (row.release) assert.deepEqual((routed['release'] as { by: string }).by, row.release.by);
  });
});

test('the sender-domain answer is cached: a second message costs no query', async () => {
  const clock = new FakeClock();
  const check = createSenderDomainCheck(createResolver({ servers: [dns.server], timeoutMs: 500, clock, rounds: 1 }), clock);
  dns.resetQueries();
  assert.equal(await check('row0.test'), 'has-mail');
  const n = dns.queryCount();
  assert.equal(await check('ROW0.test'), 'has-mail');
  assert.equal(dns.queryCount(), n);
  clock.advance(11 * 60_000);
  assert.equal(await check('row0.test'), 'has-mail');
  assert.ok(dns.queryCount() > n, 'asked again after the cache time');
});

/**
 * DKIM rotation against a real DNS server on loopback: a pending key is not
 * used until its record is published and matches; then it signs new mail and
 * the old key stays 'retiring' (still published, unused) until the grace
 * period ends. Also: the gateway activates a pending key on its own schedule.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import { FakeClock } from '../core/clock.js';
import { openSqlite } from '../db/sqlite.js';
import { createResolver } from '../dns/resolver.js';
import { startDnsServer, type DnsTestServer } from '../../test/support/dns-server.js';
import { startSink } from '../../test/support/smtp-sink.js';
import { startTestGateway } from '../../test/support/gateway.js';
import { DkimKeyStore, KeyStoreError } from './key-store.js';
import { checkRotations } from './rotation.js';

let dns: DnsTestServer;
before(async () => {
  dns = await startDnsServer({ host: '127.0.167.53', ttl: 0, negativeTtl: 0 });
});
after(() => dns.close());

test('pending → active only once the record matches; old key retiring for the grace period, then retired', async () => {
  const clock = new FakeClock(Date.UTC(2026, 10, 28));
  const db = openSqlite(':memory:');
  const keys = new DkimKeyStore(db, clock);
  const resolver = createResolver({ servers: [dns.server], timeoutMs: 1000, clock });
  const txt = (n: string) => resolver.txt(n);

  await assert.rejects(keys.rotate('rot.test', { selector: 's2', algo: 'ed25519', graceMs: 1000 }), (e: unknown) => e instanceof KeyStoreError && /no active key to rotate/.test(e.message));
  const old = await keys.generate('rot.test', { selector: 's1', algo: 'ed25519' });
  await assert.rejects(keys.rotate('rot.test', { selector: 's1', algo: 'ed25519', graceMs: 1000 }), /selectors are never reused/);
  const next = await keys.rotate('rot.test', { selector: 's2', algo: 'ed25519', graceMs: 7 * 86_400_000 });
  assert.equal(next.state, 'pending');
  await assert.rejects(keys.rotate('rot.test', { selector: 's3', algo: 'ed25519', graceMs: 0 }), /already has a pending key/);
  assert.equal(keys.active('rot.test')?.selector, 's1', 'a pending key is never used');

  let changes = await checkRotations(keys, txt, clock.now());
  assert.deepEqual(changes.map((c) => [c.selector, c.change, c.detail]), [['s2', 'waiting', 'the name does not exist']]);
  dns.set(next.recordName, { TXT: [old.publicDnsValue] }); // the wrong key published
  changes = await checkRotations(keys, txt, clock.now());
  assert.deepEqual(changes.map((c) => [c.change, c.detail]), [['waiting', 'the published record does not match the key']]);
  assert.equal(keys.active('rot.test')?.selector, 's1');

  dns.set(next.recordName, { TXT: [next.publicDnsValue] });
  changes = await checkRotations(keys, txt, clock.now());
  assert.deepEqual(changes.map((c) => [c.selector, c.change]), [['s2', 'activated']]);
  assert.equal(keys.active('rot.test')?.selector, 's2');
  const byState = () => Object.fromEntries(keys.list('rot.test').map((k) => [k.selector, k.state]));
  assert.deepEqual(byState(), { s1: 'retiring', s2: 'active' });
  assert.equal(keys.list('rot.test').find((k) => k.selector === 's1')?.retireAt, clock.now() + 7 * 86_400_000);

  clock.advance(7 * 86_400_000 - 1);
  assert.deepEqual(await checkRotations(keys, txt, clock.now()), []);
  clock.advance(1);
  assert.deepEqual((await checkRotations(keys, txt, clock.now())).map((c) => [c.selector, c.change]), [['s1', 'retired']]);
  assert.deepEqual(byState(), { s1: 'retired', s2: 'active' });
  db.close();
});

test('the gateway activates a pending tenant key on its schedule and signs with it', { timeout: 30_000 }, async () => {
  const sink = await startSink({ host: '127.0.167.10', port: 10025 });
  dns.set('dest.test', { MX: [{ exchange: 'mx.dest.test', priority: 10 }] });
  dns.set('mx.dest.test', { A: ['127.0.167.10'] });
  const t = await startTestGateway({
    host: '127.0.167.1',
    config: {
      platform: { domain: 'platform.test', dkimCheckInterval: '100ms' },
      dns: { servers: [dns.server], timeout: '1s' },
      pools: { default: { ips: [{ ip: '127.0.167.100', helo: 'out.test' }] }, 'high-risk': { ips: [{ ip: '127.0.167.100', helo: 'out.test' }] } },
      delivery: { port: 10025, idleConnectionTime: 0 },
    },
  });
  try {
    await t.gw.dkimKeys.generate('acme.test', { selector: 'old', algo: 'ed25519' });
    const next = await t.gw.dkimKeys.rotate('acme.test', { selector: 'new', algo: 'ed25519', graceMs: 60_000 });
    dns.set(next.recordName, { TXT: [next.publicDnsValue] });
    const end = Date.now() + 10_000;
    while (t.gw.dkimKeys.list('acme.test').find((k) => k.selector === 'new')?.state !== 'active') {
      if (Date.now() > end) assert.fail('the gateway did not activate the pending key');
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(t.logLines.some((l) => l.includes('dkim rotation: activated')));
    await new Promise((r) => setTimeout(r, 5100)); // the store caches the active key for 5 s
    await nodemailer
      .createTransport({ host: t.host, port: t.smtpPort, auth: { user: t.tenant.user, pass: t.tenant.password }, tls: { rejectUnauthorized: false } })
      .sendMail({ from: 'ann@acme.test', to: 'bob@dest.test', subject: 'rotated', text: 'x' });
    const [m] = await sink.waitFor(1, 8000);
    assert.match(m!.raw.toString(), /DKIM-Signature:[^]*?d=acme\.test;[^]*?s=new;/);
    assert.doesNotMatch(m!.raw.toString(), /s=old;/);
  } finally {
    await t.stop();
    await sink.close();
  }
});

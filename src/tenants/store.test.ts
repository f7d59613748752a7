import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../core/clock.js';
import { openSqlite } from '../db/sqlite.js';
import { TenantError, TenantStore } from './store.js';

function store(): { s: TenantStore; clock: FakeClock } {
  const clock = new FakeClock();
  return { s: new TenantStore(openSqlite(':memory:'), clock), clock };
}

test('add, list, show, disable and enable tenants', () => {
  const { s } = store();
  const t = s.add('acme', ['acme.test', 'Mail.Acme.Test']);
  assert.deepEqual(t.domains, ['acme.test', 'mail.acme.test']);
  assert.equal(t.enabled, true);
  s.add('globex', ['globex.test']);
  assert.deepEqual(s.list().map((x) => x.id), ['acme', 'globex']);
  assert.equal(s.setEnabled('acme', false).enabled, false);
  assert.equal(s.setEnabled('acme', true).enabled, true);
  assert.ok(s.ownsDomain('acme', 'ACME.test'));
  assert.ok(!s.ownsDomain('acme', 'globex.test'));
  assert.ok(!s.ownsDomain('acme', 'sub.acme.test'), 'subdomains are not implied');
});

test('bad names, duplicates and a domain owned by another tenant are refused', () => {
  const { s } = store();
  s.add('acme', ['acme.test']);
  assert.throws(() => s.add('Acme!', ['x.test']), (e: unknown) => e instanceof TenantError && e.kind === 'invalid');
  assert.throws(() => s.add('acme', ['y.test']), /already exists/);
  assert.throws(() => s.add('evil', ['acme.test']), /already verified for another tenant/);
  assert.equal(s.get('evil'), null, 'a failed add leaves nothing behind');
  assert.throws(() => s.add('nodomain', []), /at least one --domain/);
  assert.throws(() => s.add('baddomain', ['not a domain']), /invalid domain/);
});

test('SMTP passwords: verify, rotate, disabled tenant, no plaintext stored', async () => {
  const { s } = store();
  s.add('acme', ['acme.test']);
  const c1 = await s.newSmtpPassword('acme');
  assert.equal(c1.username, 'acme');
  assert.equal((await s.authenticateSmtp('acme', c1.password))?.tenant.id, 'acme');
  assert.equal(await s.authenticateSmtp('acme', c1.password + 'x'), null);
  assert.equal(await s.authenticateSmtp('nobody', c1.password), null);
  const c2 = await s.newSmtpPassword('acme');
  assert.equal(await s.authenticateSmtp('acme', c1.password), null, 'rotation revokes the old password');
  assert.ok(await s.authenticateSmtp('acme', c2.password));
  s.setEnabled('acme', false);
  assert.equal(await s.authenticateSmtp('acme', c2.password), null, 'disabled tenants cannot log in');
  const creds = s.credentials('acme');
  assert.equal(creds.length, 2);
  assert.ok(creds[0]!.revokedAt !== null);
});

test('API keys: several per tenant, revocable, malformed keys rejected', async () => {
  const { s } = store();
  s.add('acme', ['acme.test']);
  const k1 = await s.newApiKey('acme');
  const k2 = await s.newApiKey('acme');
  assert.match(k1.key, /^op_[0-9a-f]{12}_/);
  assert.equal((await s.authenticateApiKey(k1.key))?.tenant.id, 'acme');
  assert.equal((await s.authenticateApiKey(k2.key))?.credentialId, k2.id);
  assert.equal(await s.authenticateApiKey(k1.key.slice(0, -1) + 'A'), null);
  assert.equal(await s.authenticateApiKey('garbage'), null);
  assert.ok(s.revokeCredential('acme', k1.id));
  assert.equal(await s.authenticateApiKey(k1.key), null);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../core/clock.js';
import { openSqlite } from '../db/sqlite.js';
import { SignError } from './errors.js';
import { publicDnsValueFor } from './dkim-key.js';
import { DkimKeyStore, KeyStoreError } from './key-store.js';

const clock = new FakeClock(Date.UTC(2026, 10, 27));
const MASTER = '11'.repeat(32);

test('sealed keys open only with the right master key; one active key per domain', async () => {
  const db = openSqlite(':memory:');
  const store = new DkimKeyStore(db, clock, MASTER);
  const rec = await store.generate('Acme.TEST', { selector: 's1', algo: 'ed25519' });
  assert.deepEqual([rec.domain, rec.selector, rec.algorithm, rec.state, rec.sealed, rec.recordName], ['acme.test', 's1', 'ed25519-sha256', 'active', true, 's1._domainkey.acme.test']);
  const key = store.active('acme.test');
  assert.ok(key);
  assert.equal(publicDnsValueFor(key.privateKeyPem), rec.publicDnsValue);
  assert.ok(!JSON.stringify(store.list()).includes('PRIVATE KEY'));
  await assert.rejects(store.generate('acme.test', { selector: 's2', algo: 'ed25519' }), (e: unknown) => e instanceof KeyStoreError && e.kind === 'exists');
  await assert.rejects(store.generate('acme.test', { selector: 'bad selector', algo: 'ed25519' }), KeyStoreError);
  assert.equal(store.active('other.test'), null);

  assert.throws(() => new DkimKeyStore(db, clock).active('acme.test'), /sealed and platform\.masterKey is not configured/);
  assert.throws(() => new DkimKeyStore(db, clock, '22'.repeat(32)).active('acme.test'), (e: unknown) => e instanceof SignError && e.code === 'sealed-key');
  db.close();
});

test('without a master key the PEM is stored plain and still usable once one is configured', async () => {
  const db = openSqlite(':memory:');
  const rec = await new DkimKeyStore(db, clock).generate('plain.test', { selector: 'p', algo: 'ed25519' });
  assert.equal(rec.sealed, false);
  assert.ok(new DkimKeyStore(db, clock, MASTER).active('plain.test'));
  db.close();
});

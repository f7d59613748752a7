import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../core/clock.js';
import { openSqlite } from '../db/sqlite.js';
import { SuppressionStore } from './store.js';

test('an empty list is remembered for 5 s; an add in this process applies at once, one from another process within 5 s', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'outpost-supp-')), 'state.db');
  const clock = new FakeClock(1_000_000);
  const gateway = new SuppressionStore(openSqlite(file), clock);
  const cli = new SuppressionStore(openSqlite(file), clock);
  assert.equal(gateway.get('acme', 'a@x.test'), null);
  gateway.add({ tenantId: 'acme', rcpt: 'A@X.test', reason: 'hard-bounce', source: 'delivery' });
  assert.equal(gateway.get('acme', 'a@x.test')?.reason, 'hard-bounce', 'own add: at once, case-insensitive');
  assert.equal(gateway.get('globex', 'b@x.test'), null, 'other tenants are unaffected');
  cli.add({ tenantId: 'globex', rcpt: 'b@x.test', reason: 'manual', source: 'cli' });
  assert.equal(gateway.get('globex', 'b@x.test'), null, 'still believed empty');
  clock.advance(5_001);
  assert.equal(gateway.get('globex', 'b@x.test')?.source, 'cli', 'seen after the cache time');
});

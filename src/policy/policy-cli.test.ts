/**
 * Policy as data at the edges: parsing actions, the tenant policy store, and
 * `outpost policy …` / `outpost tenant policy …` (run in-process against a
 * fresh data directory), including the errors an operator sees.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../config/load.js';
import { policyCommand } from '../cli/policy.js';
import { tenantCommand } from '../cli/tenant.js';
import { FakeClock } from '../core/clock.js';
import { openSqlite } from '../db/sqlite.js';
import { checkPoolsExist, defaultTable, formatAction, parseAction, PolicyError } from './action.js';
import { TenantPolicyStore } from './store.js';

test('actions parse and print; bad ones are named', () => {
  for (const s of ['deliver:default', 'deliver:high-risk', 'quarantine', 'reject', 'drop']) assert.equal(formatAction(parseAction(s)), s);
  assert.throws(() => parseAction('deliver'), /invalid policy action "deliver": expected deliver:POOL, quarantine, reject or drop/);
  assert.throws(() => parseAction('deliver:Bad_Pool'), PolicyError);
  assert.throws(() => checkPoolsExist([parseAction('deliver:bulk')], ['default', 'high-risk'], 'policy'), /policy: pool bulk is not configured \(pools: default, high-risk\)/);
  assert.deepEqual(defaultTable({ clean: 'deliver:default', suspect: 'quarantine', spam: 'reject' }, ['default', 'bulk']).bulk, { action: 'deliver', pool: 'bulk' });
  assert.deepEqual(defaultTable({ clean: 'deliver:default', suspect: 'quarantine', spam: 'reject' }, ['default']).bulk, { action: 'deliver', pool: 'default' });
});

test('the tenant policy store: overrides, a short cache for other processes\' changes, reset', () => {
  const db = openSqlite(':memory:');
  const clock = new FakeClock();
  const a = new TenantPolicyStore(db, clock);
  const b = new TenantPolicyStore(db, clock);
  assert.deepEqual(a.overrides('acme'), {});
  b.set('acme', 'spam', parseAction('quarantine'));
  assert.deepEqual(a.overrides('acme'), {}, 'cached in the other process');
  clock.advance(3000);
  assert.deepEqual(a.overrides('acme'), { spam: { action: 'quarantine' } });
  a.set('acme', 'bulk', parseAction('drop'));
  assert.deepEqual(a.overrides('acme'), { spam: { action: 'quarantine' }, bulk: { action: 'drop' } }, 'own change at once');
  assert.equal(a.reset('acme', 'bulk'), 1);
  assert.equal(a.reset('acme'), 1);
  assert.deepEqual(a.overrides('acme'), {});
});

test('outpost policy show/set/reset and tenant policy, with clear errors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-policy-'));
  const config = parseConfig({ dataDir: dir, pools: { default: { ips: [{ ip: '127.0.0.1', helo: 'a.test' }] }, 'high-risk': { ips: [{ ip: '127.0.0.2', helo: 'b.test' }] }, bulk: { ips: [{ ip: '127.0.0.3', helo: 'c.test' }] } } });
  const out: string[] = [];
  const err: string[] = [];
  const run = async (...args: string[]): Promise<number> => {
    out.length = 0;
    err.length = 0;
    const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
    try {
      return args[0] === 'tenant' ? await tenantCommand(args.slice(1), io, () => config) : await policyCommand(args.slice(1), io, () => config);
    } catch (e) {
      err.push((e as Error).message);
      return 2;
    }
  };
  assert.equal(await run('tenant', 'add', 'acme', '--domain', 'acme.test'), 0);
  assert.equal(await run('policy', 'show'), 0);
  assert.match(out.join('\n'), /bulk\s+deliver:bulk/, 'a configured bulk pool takes bulk mail by default');
  assert.equal(await run('tenant', 'policy', 'acme', 'spam=reject', 'suspect=quarantine'), 0);
  assert.deepEqual(out, ['tenant acme: spam → reject', 'tenant acme: suspect → quarantine']);
  assert.equal(await run('policy', 'set', 'acme', 'bulk=drop'), 0);
  assert.match(err.join('\n'), /warning: "drop" discards bulk mail/);
  assert.equal(await run('tenant', 'policy', 'acme'), 0);
  assert.match(out.join('\n'), /spam\s+deliver:high-risk\s+reject\s+reject/);
  assert.match(out.join('\n'), /clean\s+deliver:default\s+-\s+deliver:default/);
  assert.equal(await run('policy', 'set', 'acme', 'spam=deliver:nowhere'), 2);
  assert.match(err[0]!, /pool nowhere is not configured/);
  assert.equal(await run('policy', 'set', 'acme', 'junk=reject'), 2);
  assert.match(err[0]!, /"junk=reject": expected CLASS=ACTION with CLASS one of clean, bulk, suspect, spam/);
  assert.equal(await run('policy', 'set', 'nobody', 'spam=reject'), 2);
  assert.match(err[0]!, /no tenant named "nobody"/);
  assert.equal(await run('policy', 'reset', 'acme'), 0);
  assert.match(out[0]!, /3 override\(s\) removed/);
});

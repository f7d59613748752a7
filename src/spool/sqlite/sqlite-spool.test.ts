import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spoolSuite, makeMessage } from '../spool.suite.js';
import { SqliteSpool } from './sqlite-spool.js';
import { SpoolError } from '../spool.js';

const dir = mkdtempSync(join(tmpdir(), 'spool-'));
let n = 0;
let last = '';
spoolSuite('sqlite', {
  open: async () => {
    last = join(dir, `spool-${n++}.db`);
    return new SqliteSpool(last);
  },
  reopen: async () => new SqliteSpool(last),
});

test('sqlite: writes after close are refused with a typed error', async () => {
  const s = new SqliteSpool(join(dir, 'closed.db'));
  await s.close();
  await assert.rejects(s.enqueue(makeMessage()), (e: unknown) => e instanceof SpoolError && e.kind === 'closed');
});

test('sqlite: claiming stays fast with a large deferred backlog of another tenant', async () => {
  const s = new SqliteSpool(join(dir, 'big.db'));
  const T0 = Date.UTC(2026, 0, 1);
  const msgs = Array.from({ length: 20_000 }, () => makeMessage({ tenantId: 'big', rcpts: ['a@slow.test'], receivedAt: T0 }));
  await Promise.all(msgs.map((m) => s.enqueue(m)));
  while ((await s.claimIncoming(5000)).length > 0);
  await Promise.all(msgs.map((m) => s.route(m.id, { route: { kind: 'deliver', pool: 'default', why: 'clean' } }, T0)));
  const small = makeMessage({ tenantId: 'small', rcpts: ['b@fast.test'], receivedAt: T0 + 10 });
  await s.enqueue(small);
  await s.claimIncoming(10);
  await s.route(small.id, { route: { kind: 'deliver', pool: 'default', why: 'clean' } }, T0 + 10);
  const t = process.hrtime.bigint();
  for (let i = 0; i < 200; i++) await s.dueTenants(T0 + 10);
  const jobs = await s.claimDue('small', T0 + 10, 10);
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  assert.equal(jobs.length, 1, 'the small tenant is served despite the big backlog');
  assert.ok(ms < 500, `200 dueTenants scans took ${ms.toFixed(1)} ms`);
  await s.close();
});

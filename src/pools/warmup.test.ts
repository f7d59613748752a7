/**
 * Warm-up schedules and counting: daily limits (geometric and explicit), day
 * numbering from `since`, counts that survive a restart (state.db), and the
 * reset at the next UTC day.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../core/clock.js';
import { parseConfig } from '../config/load.js';
import { openSqlite } from '../db/sqlite.js';
import { dailyLimit, WarmupCounter, warmupPlans, type WarmupPlan } from './warmup.js';

const plan = (w: Record<string, unknown>): WarmupPlan => {
  const c = parseConfig({ pools: { default: { ips: [{ ip: '192.0.2.1', helo: 'a.test', warmup: w }] }, 'high-risk': { ips: [{ ip: '192.0.2.2', helo: 'b.test' }] } } });
  return c.pools['default']!.ips[0]!.warmup!;
};

test('daily limits: start × growth^(day-1) for `days` days, or an explicit list; then no limit', () => {
  const g = plan({ start: 200, growth: 1.5, days: 3 });
  assert.deepEqual([1, 2, 3, 4].map((d) => dailyLimit(g, d)), [200, 300, 450, null]);
  const d = plan({ start: 50 });
  assert.equal(dailyLimit(d, 30), Math.round(50 * 1.25 ** 29));
  assert.equal(dailyLimit(d, 31), null);
  const e = plan({ schedule: [10, 20, 0, 40] });
  assert.deepEqual([0, 1, 3, 4, 5].map((x) => dailyLimit(e, x)), [10, 10, 0, 40, null]);
  assert.throws(() => plan({ growth: 2 }), /warmup needs either start .* or schedule/);
  assert.throws(() => plan({ start: 5, schedule: [1] }), /not both/);
  assert.throws(() => plan({ start: 5, since: 'yesterday' }), /YYYY-MM-DD/);
});

test('counts survive a restart, days count from `since`, and the quota resets at 00:00 UTC', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'outpost-warmup-')), 'state.db');
  const clock = new FakeClock(Date.UTC(2026, 10, 27, 23, 0, 0));
  const plans = warmupPlans(
    parseConfig({
      pools: {
        default: { ips: [{ ip: '192.0.2.1', helo: 'a.test', warmup: { schedule: [3, 5], since: '2026-11-26' } }, { ip: '192.0.2.3', helo: 'c.test' }] },
        'high-risk': { ips: [{ ip: '192.0.2.2', helo: 'b.test', warmup: { start: 7 } }] },
      },
    }).pools,
  );
  let db = openSqlite(file);
  let w = new WarmupCounter(db, clock, plans);
  assert.deepEqual(w.status('192.0.2.1'), { day: 2, days: 2, limit: 5, used: 0, firstDay: '2026-11-26' });
  assert.equal(w.status('192.0.2.2')?.day, 1, 'without `since`, day 1 is the first day seen');
  assert.equal(w.remaining('192.0.2.3'), Infinity, 'no warm-up: no limit');
  for (let i = 0; i < 4; i++) w.sent('192.0.2.1');
  assert.equal(w.remaining('192.0.2.1'), 1);
  w.stop();
  db.close();
  db = openSqlite(file);
  w = new WarmupCounter(db, clock, plans);
  assert.equal(w.status('192.0.2.1')?.used, 4, 'the count was kept in state.db');
  w.sent('192.0.2.1');
  assert.equal(w.remaining('192.0.2.1'), 0);
  assert.equal(w.resetsIn(), 3600_000);
  clock.advance(3600_000);
  // Day 3 of a 2-day schedule: finished, no limit; 192.0.2.2 is on its day 2.
  assert.deepEqual(w.status('192.0.2.1'), { day: 3, days: 2, limit: null, used: 0, firstDay: '2026-11-26' });
  assert.equal(w.status('192.0.2.2')?.limit, Math.round(7 * 1.25));
  w.stop();
  db.close();
});

/**
 * The console rollup on its own: events → stats_minute / stats_hour (one
 * upsert per key per batch, platform and tenant rows), the per-minute series
 * (outcomes, pools, spam share, queue depth, window edges), the in-memory
 * 24-hour tenant counters (ring rollover, load after a restart) and pruning.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlite, migrate } from '../db/sqlite.js';
import type { PlatformEvent } from '../events/bus.js';
import { StatsRollup } from './rollup.js';
import { HOUR_MS, MINUTE_MS, STATS_MIGRATIONS } from './schema.js';
import { sampleQueue, timeSeries } from './series.js';
import { TenantDayCounters } from './tenant-day.js';

const T0 = Date.parse('2026-11-28T10:00:00Z');

function db() {
  const d = openSqlite(':memory:');
  migrate(d, 'stats', STATS_MIGRATIONS);
  return d;
}

const ev = (type: PlatformEvent['type'], at: number, tenantId: string | undefined, data: Record<string, unknown> = {}): PlatformEvent => ({ type, at, ...(tenantId ? { tenantId } : {}), data });

test('a batch becomes per-minute rows for the platform and the tenant, and hourly tenant rows', () => {
  const d = db();
  const r = new StatsRollup(d);
  d.transaction(() =>
    r.add([
      ev('received', T0, 'acme', { source: 'http' }),
      ev('received', T0 + 1000, 'acme', { source: 'smtp' }),
      ev('received', T0 + 2000, 'acme', { source: 'bounce' }),
      ev('delivered', T0 + 3000, 'acme', { pool: 'default', recipients: [{ rcpt: 'a' }, { rcpt: 'b' }] }),
      ev('bounced', T0 + 4000, 'acme', { recipient: 'x', source: 'feedback' }),
      ev('scanned', T0 + 5000, 'acme', { class: 'spam' }),
      ev('scanned', T0 + 5000, 'acme', { class: 'clean' }),
      ev('routed', T0 + 6000, 'globex', { route: 'reject' }),
      ev('routed', T0 + 6000, 'globex', { route: 'deliver', pool: 'default' }),
      ev('quarantined', T0 + MINUTE_MS, 'globex', {}),
      ev('complained', T0, 'acme', { feedbackType: 'abuse' }),
      ev('complained', T0, 'acme', { feedbackType: 'not-spam' }),
      ev('ip-listed', T0, undefined, { ip: '192.0.2.1' }),
    ]),
  )();
  const rows = d.prepare('SELECT tenant_id, minute, key, n FROM stats_minute ORDER BY tenant_id, minute, key').all();
  const m0 = T0 / MINUTE_MS;
  assert.deepEqual(rows, [
    { tenant_id: '', minute: m0, key: 'bounced', n: 1 }, { tenant_id: '', minute: m0, key: 'delivered', n: 2 }, { tenant_id: '', minute: m0, key: 'pool:default', n: 2 },
    { tenant_id: '', minute: m0, key: 'received', n: 3 }, { tenant_id: '', minute: m0, key: 'rejected', n: 1 }, { tenant_id: '', minute: m0, key: 'scanned', n: 2 },
    { tenant_id: '', minute: m0, key: 'spam', n: 1 }, { tenant_id: '', minute: m0 + 1, key: 'quarantined', n: 1 },
    { tenant_id: 'acme', minute: m0, key: 'bounced', n: 1 }, { tenant_id: 'acme', minute: m0, key: 'delivered', n: 2 }, { tenant_id: 'acme', minute: m0, key: 'pool:default', n: 2 },
    { tenant_id: 'acme', minute: m0, key: 'received', n: 3 }, { tenant_id: 'acme', minute: m0, key: 'scanned', n: 2 }, { tenant_id: 'acme', minute: m0, key: 'spam', n: 1 },
    { tenant_id: 'globex', minute: m0, key: 'rejected', n: 1 }, { tenant_id: 'globex', minute: m0 + 1, key: 'quarantined', n: 1 },
  ]);
  const hours = d.prepare("SELECT key, n FROM stats_hour WHERE tenant_id = 'acme' ORDER BY key").all();
  // Bounces the platform generates are not the tenant's volume; not-spam reports are not complaints.
  assert.deepEqual(hours, [{ key: 'bounced', n: 1 }, { key: 'complained', n: 1 }, { key: 'delivered', n: 2 }, { key: 'scanned', n: 2 }, { key: 'sent', n: 2 }, { key: 'spam', n: 1 }]);
  // A second batch adds to the same rows.
  d.transaction(() => r.add([ev('received', T0 + 10, 'acme', { source: 'http' })]))();
  assert.equal((d.prepare("SELECT n FROM stats_minute WHERE tenant_id = '' AND key = 'received'").get() as { n: number }).n, 4);
});

test('the series: one point a minute ending with the current minute, gaps as zeros, spam share null without scans', () => {
  const d = db();
  const r = new StatsRollup(d);
  d.transaction(() =>
    r.add([
      ev('received', T0, 'acme', { source: 'http' }),
      ev('scanned', T0, 'acme', { class: 'suspect' }),
      ev('scanned', T0, 'acme', { class: 'clean' }),
      ev('scanned', T0, 'acme', { class: 'clean' }),
      ev('scanned', T0, 'acme', { class: 'clean' }),
      ev('delivered', T0 + 2 * MINUTE_MS, 'acme', { pool: 'bulk', recipients: [1, 2, 3] }),
      ev('received', T0 - 10 * MINUTE_MS, 'acme', { source: 'http' }), // outside a 5-minute window
    ]),
  )();
  sampleQueue(d, T0 + MINUTE_MS, 7, 4);
  const now = T0 + 4 * MINUTE_MS + 30_000;
  const s = timeSeries(d, { minutes: 5, now });
  assert.equal(s.from, new Date(T0).toISOString());
  assert.equal(s.points, 5);
  assert.deepEqual(s.outcomes.received, [1, 0, 0, 0, 0]);
  assert.deepEqual(s.outcomes.delivered, [0, 0, 3, 0, 0]);
  assert.deepEqual(s.pools, { bulk: [0, 0, 3, 0, 0] });
  assert.deepEqual(s.spamShare, [0.25, null, null, null, null]);
  assert.deepEqual(s.scanned, [4, 0, 0, 0, 0]);
  assert.deepEqual(s.queueDepth, [null, 7, null, null, null]);
  const own = timeSeries(d, { minutes: 5, now, tenantId: 'acme' });
  assert.deepEqual(own.outcomes.delivered, [0, 0, 3, 0, 0]);
  assert.equal(own.pools, undefined);
  assert.equal(own.queueDepth, undefined);
  assert.deepEqual(timeSeries(d, { minutes: 5, now, tenantId: 'globex' }).outcomes.received, [0, 0, 0, 0, 0]);
});

test('prune drops rows past retention and keeps the rest', () => {
  const d = db();
  const r = new StatsRollup(d);
  d.transaction(() => r.add([ev('received', T0, 'acme', { source: 'http' }), ev('received', T0 + 30 * HOUR_MS, 'acme', { source: 'http' })]))();
  sampleQueue(d, T0, 1, 1);
  assert.ok(r.prune(T0 + 30 * HOUR_MS) >= 3);
  assert.equal((d.prepare('SELECT COUNT(*) AS n FROM stats_minute WHERE minute < ?').get((T0 + HOUR_MS) / MINUTE_MS) as { n: number }).n, 0);
  assert.equal((d.prepare('SELECT COUNT(*) AS n FROM stats_minute').get() as { n: number }).n, 2, "the later minute's platform and tenant rows stay");
  assert.equal((d.prepare('SELECT COUNT(*) AS n FROM stats_hour').get() as { n: number }).n, 2, 'hour rows are kept a week');
  assert.equal((d.prepare('SELECT COUNT(*) AS n FROM stats_queue').get() as { n: number }).n, 0);
});

test('24-hour tenant counters: live events, hourly sparkline, rollover and reload from stats_hour', () => {
  const c = new TenantDayCounters();
  const now = T0 + 30 * MINUTE_MS;
  c.onEvent(ev('received', T0, 'acme', { source: 'http' }), now);
  c.onEvent(ev('received', T0 - HOUR_MS, 'acme', { source: 'http' }), now);
  c.onEvent(ev('received', T0 - 25 * HOUR_MS, 'acme', { source: 'http' }), now); // too old
  c.onEvent(ev('delivered', T0, 'acme', { recipients: [1, 2] }), now);
  c.onEvent(ev('bounced', T0, 'acme', { recipients: [1] }), now);
  let s = c.summary('acme', now);
  assert.equal(s.totals.sent, 2);
  assert.equal(s.sparkline.length, 24);
  assert.deepEqual(s.sparkline.slice(-2), [1, 1]);
  assert.equal(s.totals.delivered, 2);
  assert.equal(s.totals.bounced, 1);
  // 24 hours later the T0 slot is reused for the new hour and the old counts are gone.
  const later = now + 24 * HOUR_MS;
  c.onEvent(ev('received', T0 + 24 * HOUR_MS, 'acme', { source: 'http' }), later);
  s = c.summary('acme', later);
  assert.equal(s.totals.sent, 1);
  assert.deepEqual(s.sparkline.slice(-1), [1]);
  c.sweep(later + 48 * HOUR_MS);
  assert.equal(c.size, 0);
  assert.equal(c.summary('nobody', now).totals.sent, 0);

  const d = db();
  const r = new StatsRollup(d);
  d.transaction(() => r.add([ev('received', T0, 'acme', { source: 'http' }), ev('received', T0 - 2 * HOUR_MS, 'acme', { source: 'http' }), ev('scanned', T0, 'acme', { class: 'spam' })]))();
  const loaded = new TenantDayCounters();
  loaded.load(d, now);
  const l = loaded.summary('acme', now);
  assert.equal(l.totals.sent, 2);
  assert.equal(l.totals.spam, 1);
  assert.deepEqual(l.sparkline.slice(-3), [1, 0, 1]);
});

/**
 * Golden tests for tenant limits with a FakeClock: sliding windows, per-user
 * limits, the three breach actions (throttle, block until the next UTC day,
 * block until an operator unblocks), the replies, the limit-exceeded events,
 * and counters that survive a restart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../core/clock.js';
import { SmtpError } from '../core/smtp-reply.js';
import { openSqlite } from '../db/sqlite.js';
import { EventBus, type PlatformEvent } from '../events/bus.js';
import type { AdmissionRequest } from '../ingress/admission.js';
import { nextUtcDay, TenantLimits, type LimitsConfig } from './check.js';
import { LimitStore, type LimitAction } from './store.js';
import { SlidingWindow } from './window.js';

const OFF = { messagesPerMinute: 0, recipientsPerHour: 0, recipientsPerDay: 0 };

function setup(o: { tenant?: Partial<typeof OFF>; user?: Partial<typeof OFF>; action?: LimitAction; start?: number } = {}) {
  const clock = new FakeClock(o.start ?? Date.UTC(2026, 0, 1, 10, 0, 0));
  const db = openSqlite(':memory:');
  const store = new LimitStore(db);
  const events: PlatformEvent[] = [];
  const bus = new EventBus();
  bus.on((e) => events.push(e));
  const config: LimitsConfig = { enabled: true, tenant: { ...OFF, ...o.tenant }, user: { ...OFF, ...o.user }, action: o.action ?? 'throttle' };
  const limits = new TenantLimits({ config, store, clock, events: bus });
  /** Admits one message (check, then record as cleanup does); returns the refusal or null. */
  const send = (rcpts = 1, user?: string): SmtpError | null => {
    const r: AdmissionRequest = { tenantId: 'acme', source: 'smtp', mailFrom: 'a@acme.test', rcptTo: Array.from({ length: rcpts }, (_, i) => `r${i}@x.test`), at: clock.now(), ...(user ? { user } : {}) };
    try {
      limits.check(r);
    } catch (e) {
      assert.ok(e instanceof SmtpError);
      return e;
    }
    limits.record(r);
    return null;
  };
  return { clock, db, store, events, config, limits, send, bus };
}

const line = (e: SmtpError | null): string => (e ? `${e.reply.code} ${e.reply.enhanced} ${e.reply.text}` : '250');

test('sliding window: counts leave one window later, in slices', () => {
  const w = new SlidingWindow(60_000, 60);
  w.add(0, 5);
  w.add(30_000, 2);
  assert.equal(w.freesAt(30_000, 2), 60_000);
  assert.equal(w.freesAt(30_000, 0), 90_000);
  assert.equal(w.total(59_999), 7);
  assert.equal(w.total(60_000), 2, 'the first slice left the window');
  assert.equal(w.total(90_000), 0);
  assert.ok(w.empty);
});

test('throttle: messages per minute, 451 4.7.1 with the numbers and when to retry; the window slides', () => {
  const t = setup({ tenant: { messagesPerMinute: 3 } });
  for (let i = 0; i < 3; i++) assert.equal(t.send(), null);
  t.clock.advance(20_000);
  const e = t.send();
  assert.equal(line(e), '451 4.7.1 Sending limit reached for tenant acme (messages per minute limit 3: 3 in the last minute, this message adds 1); try again after 2026-01-01T10:01:00Z');
  t.clock.set(Date.UTC(2026, 0, 1, 10, 0, 59, 999));
  assert.notEqual(t.send(), null, 'still inside the minute');
  t.clock.set(Date.UTC(2026, 0, 1, 10, 1, 0));
  assert.equal(t.send(), null, 'the first three left the window');
  assert.equal(t.events.filter((x) => x.type === 'limit-exceeded').length, 1, 'one event per limit per minute while throttled');
  const ev = t.events[0]!;
  assert.equal(ev.tenantId, 'acme');
  assert.deepEqual({ ...ev.data }, { scope: 'tenant', limit: 'messagesPerMinute', count: 3, adding: 1, max: 3, action: 'throttle', until: '2026-01-01T10:01:00Z', source: 'smtp' });
});

test('recipients per hour count recipients, and a message that would cross the limit is refused whole', () => {
  const t = setup({ tenant: { recipientsPerHour: 10 } });
  assert.equal(t.send(4), null);
  t.clock.advance(10 * 60_000);
  assert.equal(t.send(4), null);
  assert.match(line(t.send(3)), /^451 4\.7\.1 .*recipients per hour limit 10: 8 in the last hour, this message adds 3\); try again after 2026-01-01T11:00:00Z$/);
  assert.equal(t.send(2), null, 'a smaller message still fits');
  t.clock.set(Date.UTC(2026, 0, 1, 11, 0, 0));
  assert.equal(t.send(4), null, 'the first 4 left the hour');
  assert.deepEqual(t.limits.usage('acme').find((u) => u.limit === 'recipientsPerHour'), { subject: 'tenant', limit: 'recipientsPerHour', count: 10, max: 10 });
});

test('per-user limits: one credential hitting its limit does not stop the tenant\'s others', () => {
  const t = setup({ tenant: { recipientsPerDay: 100 }, user: { recipientsPerDay: 5 } });
  assert.equal(t.send(5, 'alice'), null);
  assert.equal(line(t.send(1, 'alice')), '451 4.7.1 Sending limit reached for user alice of tenant acme (recipients per day limit 5: 5 in the last 24 hours, this message adds 1); try again after 2026-01-02T10:00:00Z');
  assert.equal(t.send(5, 'bob'), null);
  assert.equal(t.events[0]!.data['scope'], 'user');
  assert.equal(t.events[0]!.data['user'], 'alice');
});

test('block-until-tomorrow: 550 5.7.1 until 00:00 UTC of the next day, then the tenant starts afresh', () => {
  const t = setup({ tenant: { recipientsPerDay: 10 }, action: 'block-until-tomorrow', start: Date.UTC(2026, 0, 1, 22, 30) });
  assert.equal(t.send(10), null);
  const want = '550 5.7.1 Tenant acme is blocked from sending until 2026-01-02T00:00:00Z: recipients per day limit exceeded (recipients per day limit 10: 10 in the last 24 hours, this message adds 1)';
  assert.equal(line(t.send(1)), want);
  t.clock.set(Date.UTC(2026, 0, 1, 23, 59, 59, 999));
  assert.equal(line(t.send(1)), want, 'every message until midnight gets the same reply');
  t.clock.set(Date.UTC(2026, 0, 2, 0, 0, 0));
  assert.equal(t.send(3), null, 'unblocked at the next UTC day, counts reset');
  assert.equal(t.limits.usage('acme').find((u) => u.limit === 'recipientsPerDay')!.count, 3);
  const ev = t.events.filter((e) => e.type === 'limit-exceeded');
  assert.equal(ev.length, 1);
  assert.equal(ev[0]!.data['until'], '2026-01-02T00:00:00Z');
  assert.equal(nextUtcDay(Date.UTC(2026, 11, 31, 23, 59)), Date.UTC(2027, 0, 1));
});

test('block: 550 5.1.8 until an operator unblocks (another process, through the state database)', () => {
  const t = setup({ tenant: { messagesPerMinute: 2 }, action: 'block' });
  assert.equal(t.send(), null);
  assert.equal(t.send(), null);
  const want = '550 5.1.8 Tenant acme is blocked from sending until an operator unblocks it: messages per minute limit exceeded (messages per minute limit 2: 2 in the last minute, this message adds 1)';
  assert.equal(line(t.send()), want);
  t.clock.advance(3 * 24 * 3600_000);
  assert.equal(line(t.send()), want, 'days later: still blocked');
  assert.equal(new LimitStore(t.db).unblock('acme'), 1, 'what `outpost tenant unblock acme` does');
  assert.equal(line(t.send()), want, 'the gateway has not re-read the blocks yet');
  t.clock.advance(2000);
  assert.equal(t.send(), null, 're-read within two seconds; the counts start afresh');
  assert.equal(t.send(), null);
});

test('a tenant override (outpost limits set) changes the limit and the action', () => {
  const t = setup({ tenant: { messagesPerMinute: 2 } });
  t.store.setOverrides('acme', { tenant: { messagesPerMinute: 5 }, action: 'block-until-tomorrow' }, t.clock.now());
  t.clock.advance(2000);
  for (let i = 0; i < 5; i++) assert.equal(t.send(), null);
  assert.match(line(t.send()), /^550 5\.7\.1 Tenant acme is blocked from sending until 2026-01-02T00:00:00Z/);
});

test('hour and day counters survive a restart (coarsely); a disabled limits check admits everything', () => {
  const t = setup({ tenant: { recipientsPerHour: 10 } });
  assert.equal(t.send(8), null);
  t.limits.save();
  const again = new TenantLimits({ config: t.config, store: new LimitStore(t.db), clock: t.clock });
  const r: AdmissionRequest = { tenantId: 'acme', source: 'smtp', mailFrom: 'a@acme.test', rcptTo: ['a@x.test', 'b@x.test', 'c@x.test'], at: t.clock.now() };
  assert.throws(() => again.check(r), (e: unknown) => e instanceof SmtpError && e.reply.code === 451);
  const off = new TenantLimits({ config: { ...t.config, enabled: false }, store: new LimitStore(t.db), clock: t.clock });
  off.check(r);
});

/**
 * Golden tests for the reputation engine and the tenant state machine: a
 * FakeClock drives the sliding windows, thresholds, hysteresis and
 * cool-downs; each scenario's transitions are compared with the expected
 * list (offset from the start, from → to, trigger).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../src/core/clock.js';
import { openSqlite } from '../src/db/sqlite.js';
import { EventBus, type PlatformEvent } from '../src/events/bus.js';
import { ReputationEngine } from '../src/reputation/engine.js';
import { DEFAULT_SETTINGS, type ReputationSettings } from '../src/reputation/settings.js';
import { ReputationStore } from '../src/reputation/store.js';
import type { ThresholdRule } from '../src/reputation/rules.js';
import { SlidingCounters } from '../src/reputation/window.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2026, 0, 1);

interface Harness {
  clock: FakeClock;
  engine: ReputationEngine;
  store: ReputationStore;
  events: PlatformEvent[];
  /** Transitions so far as "offset from T0 in seconds: from -> to (trigger)". */
  transitions(): string[];
}

function harness(settings: Partial<ReputationSettings> = {}, db = openSqlite(':memory:')): Harness {
  const clock = new FakeClock(T0);
  const bus = new EventBus((e) => {
    throw e;
  });
  const events: PlatformEvent[] = [];
  bus.on((e) => events.push(e));
  const store = new ReputationStore(db);
  const engine = new ReputationEngine({ settings: { ...DEFAULT_SETTINGS, ...settings }, store, events: bus, clock });
  return {
    clock, engine, store, events,
    transitions: () =>
      events.filter((e) => e.type === 'tenant-state-changed').map((e) => `${(e.at - T0) / 1000}s: ${String(e.data['from'])} -> ${String(e.data['to'])} (${String(e.data['trigger'])})`),
  };
}

const scan = (h: Harness, t: string, cls: 'clean' | 'spam' | 'suspect', n = 1, fp = ''): void => {
  for (let i = 0; i < n; i++) h.engine.scanned(t, { class: cls, fingerprint: fp }, h.clock.now());
};
const deliver = (h: Harness, t: string, kind: 'delivered' | 'hard-bounce' | 'unknown-recipient' | 'soft-bounce' | 'slow-down' | 'blocked', n = 1, domain = 'dest.test'): void => {
  for (let i = 0; i < n; i++) h.engine.delivery(t, { kind, domain }, h.clock.now());
};

test('sliding counters: O(1) add, slices expire as time passes, snapshots restore', () => {
  const w = new SlidingCounters(60_000, 6, 2); // 10 s slices
  w.add(T0, 0, 5);
  w.add(T0 + 15_000, 0, 3);
  w.add(T0 + 15_000, 1, 1);
  assert.equal(w.sum(0, T0 + 15_000), 8);
  assert.equal(w.sum(0, T0 + 59_999), 8);
  assert.equal(w.sum(0, T0 + 60_000), 3, 'the first slice left the window');
  assert.equal(w.sum(1, T0 + 60_000), 1);
  const copy = new SlidingCounters(60_000, 6, 2);
  copy.restore(w.snapshot());
  assert.equal(copy.sum(0, T0 + 60_000), 3);
  assert.equal(w.sum(0, T0 + 70_000), 0);
  assert.equal(copy.sum(0, T0 + 10 * 60_000), 0, 'a long gap empties the window');
  w.add(T0, 0, 2); // out of order: counts in the current slice
  assert.equal(w.sum(0, T0 + 70_000), 2);
});

test('volume floor: three messages with one spam and one hard bounce change nothing', () => {
  const h = harness();
  h.engine.submitted('tiny', 1, h.clock.now(), ['dest.test']);
  scan(h, 'tiny', 'clean', 2);
  scan(h, 'tiny', 'spam', 1);
  deliver(h, 'tiny', 'delivered', 2);
  deliver(h, 'tiny', 'hard-bounce', 1);
  assert.equal(h.engine.standing('tiny'), 'normal');
  assert.deepEqual(h.transitions(), []);
  const spam = h.engine.report('tiny').evaluation.readings.find((r) => r.rule === 'spam-share')!;
  assert.equal(spam.skipped, 'below-floor');
  assert.equal(spam.volume, 3);
  assert.equal(spam.floor, 20);
});

test('spam share: watch at 2 %, a jump straight to high-risk-only at 10 %, with the numbers as evidence', () => {
  const h = harness();
  scan(h, 'acme', 'clean', 49);
  scan(h, 'acme', 'spam', 1); // 1/50 = 2 %
  assert.equal(h.engine.standing('acme'), 'watch');
  h.clock.advance(MIN);
  scan(h, 'bad', 'clean', 18);
  scan(h, 'bad', 'spam', 1); // 19 scanned: below the floor of 20
  assert.equal(h.engine.standing('bad'), 'normal');
  scan(h, 'bad', 'spam', 1); // 2/20 = 10 %
  assert.equal(h.engine.standing('bad'), 'high-risk-only');
  assert.deepEqual(h.transitions(), ['0s: normal -> watch (evidence)', '60s: normal -> high-risk-only (evidence)']);
  const e = h.events.filter((x) => x.tenantId === 'bad')[0]!;
  const evidence = e.data['evidence'] as Array<Record<string, unknown>>;
  assert.deepEqual(evidence, [{ rule: 'spam-share', signal: 'spamShare', window: 'short', windowMs: 600_000, value: 0.1, volume: 20, floor: 20, level: 'high-risk-only', threshold: 0.1 }]);
  assert.match(String(e.data['reason']), /spam-share: spamShare 0\.100 >= 0\.100 over the short window \(20 events\)/);
  assert.equal(h.engine.explain('bad')?.reason, e.data['reason']);
  // Stored as history, visible later.
  const hist = h.store.history('bad');
  assert.equal(hist.length, 1);
  assert.equal(hist[0]!.to, 'high-risk-only');
  assert.equal(hist[0]!.actor, 'engine');
  assert.deepEqual(hist[0]!.evidence, evidence);
});

test('suspension needs persistence; suspended never recovers by itself; an operator reinstates', () => {
  const h = harness();
  scan(h, 'spammer', 'spam', 30); // 100 % spam: the suspension level, but first high-risk-only
  assert.equal(h.engine.standing('spammer'), 'high-risk-only');
  h.clock.advance(5 * MIN);
  scan(h, 'spammer', 'spam', 20);
  assert.equal(h.engine.standing('spammer'), 'high-risk-only', 'not yet suspendAfter (10 m) in high-risk-only');
  h.clock.advance(5 * MIN);
  scan(h, 'spammer', 'spam', 20);
  assert.equal(h.engine.standing('spammer'), 'suspended');
  // Days of silence: still suspended.
  for (let i = 0; i < 48; i++) {
    h.clock.advance(HOUR);
    h.engine.tick(h.clock.now());
  }
  assert.equal(h.engine.standing('spammer'), 'suspended');
  // The CLI writes the operator's reinstatement to the store; the engine adopts it on its next tick.
  h.store.transition({ tenantId: 'spammer', at: h.clock.now(), from: 'suspended', to: 'normal', trigger: 'reinstate', actor: 'operator', reason: 'cleaned up, password reset', evidence: [] }, { resetFigures: true });
  h.engine.tick(h.clock.now());
  assert.equal(h.engine.standing('spammer'), 'normal');
  assert.deepEqual(h.transitions(), [
    '0s: normal -> high-risk-only (evidence)',
    '600s: high-risk-only -> suspended (evidence)',
    `${(h.clock.now() - T0) / 1000}s: suspended -> normal (reinstate)`,
  ]);
  const last = h.events.at(-1)!;
  assert.equal(last.data['actor'], 'operator');
  assert.equal(last.data['reason'], 'cleaned up, password reset');
});

test('an operator reinstatement clears the figures: old evidence does not re-suspend the tenant', () => {
  const h = harness({ suspendAfter: 0 });
  scan(h, 'x', 'spam', 25);
  assert.equal(h.engine.standing('x'), 'suspended');
  h.store.transition({ tenantId: 'x', at: h.clock.now(), from: 'suspended', to: 'normal', trigger: 'reinstate', actor: 'operator', reason: 'ok', evidence: [] }, { resetFigures: true });
  h.engine.tick();
  scan(h, 'x', 'clean', 1);
  assert.equal(h.engine.standing('x'), 'normal');
});

test('bounce rate: hysteresis holds the standing while the rate is above half the threshold; recovery is one step per cool-down', () => {
  const h = harness();
  deliver(h, 'shop', 'delivered', 190);
  deliver(h, 'shop', 'hard-bounce', 9); // 199 messages: under the rule's floor of 200, nothing counts yet
  assert.equal(h.engine.standing('shop'), 'normal');
  deliver(h, 'shop', 'hard-bounce', 1); // 10/200 = 5 % → throttled at once
  assert.equal(h.engine.standing('shop'), 'throttled');
  h.clock.advance(10 * MIN);
  deliver(h, 'shop', 'delivered', 100); // 10/300 = 3.3 %: below 5 % but above 2.5 % (hysteresis 0.5)
  for (let m = 0; m < 50; m++) {
    h.clock.advance(MIN);
    h.engine.tick();
  }
  assert.equal(h.engine.standing('shop'), 'throttled', 'held by hysteresis although below the threshold');
  // The first batch leaves the hour window at T0+60 m; clean from then on.
  for (let m = 0; m < 200; m++) {
    h.clock.advance(MIN);
    h.engine.tick();
  }
  assert.equal(h.engine.standing('shop'), 'normal');
  assert.deepEqual(h.transitions(), [
    '0s: normal -> throttled (evidence)',
    '7200s: throttled -> watch (recovery)',
    '10800s: watch -> normal (recovery)',
  ]);
  const rec = h.store.history('shop', 1)[0]!;
  assert.equal(rec.trigger, 'recovery');
  assert.match(rec.reason, /clean for 3600 s/);
});

test('new evidence during the cool-down restarts it', () => {
  const h = harness();
  scan(h, 'n', 'clean', 45);
  scan(h, 'n', 'spam', 5); // 10 % → high-risk-only
  assert.equal(h.engine.standing('n'), 'high-risk-only');
  for (let m = 0; m < 40; m++) {
    h.clock.advance(MIN);
    h.engine.tick();
  }
  // 40 m later (window clean since 10 m): a burst at 6 % (≥ half of 10 % → not clean for high-risk-only).
  scan(h, 'n', 'clean', 47);
  scan(h, 'n', 'spam', 3);
  for (let m = 0; m < 60; m++) {
    h.clock.advance(MIN);
    h.engine.tick();
  }
  assert.equal(h.engine.standing('n'), 'high-risk-only', 'the burst reset the clean period');
  for (let m = 0; m < 20; m++) {
    h.clock.advance(MIN);
    h.engine.tick();
  }
  assert.equal(h.engine.standing('n'), 'throttled');
});

test('volume spike gate: the same unknown-recipient rate restricts a tenant far above its baseline, not one at its usual volume', () => {
  const rules: ThresholdRule[] = [
    { name: 'unknown-recipient-spike', signal: 'unknownRecipientRate', window: 'short', minVolume: 50, levels: { throttled: 0.05, 'high-risk-only': 0.1 }, when: { signal: 'volumeRatio', window: 'short', atLeast: 5 } },
  ];
  const h = harness({ rules, baseline: { period: HOUR, alpha: 0.5, floor: 100 } });
  // steady: 600 recipients an hour for 6 hours (baseline ≈ 590), delivered.
  for (let hr = 0; hr < 6; hr++) {
    for (let i = 0; i < 60; i++) {
      h.engine.submitted('steady', 10, h.clock.now(), ['dest.test']);
      deliver(h, 'steady', 'delivered', 10);
      h.clock.advance(MIN);
    }
  }
  const start = h.clock.now();
  // Within ten minutes: steady sends its usual 100 recipients, 8 of them unknown.
  h.engine.submitted('steady', 100, start, ['dest.test']);
  deliver(h, 'steady', 'delivered', 92);
  deliver(h, 'steady', 'unknown-recipient', 8);
  // spiky (new, baseline floor 100/h): 400 recipients in ten minutes, 8 % unknown.
  h.engine.submitted('spiky', 400, start, ['dest.test']);
  deliver(h, 'spiky', 'delivered', 368);
  deliver(h, 'spiky', 'unknown-recipient', 32);
  assert.equal(h.engine.standing('spiky'), 'throttled');
  assert.equal(h.engine.standing('steady'), 'normal');
  const r = h.engine.report('steady').evaluation.readings[0]!;
  assert.equal(r.skipped, 'gate');
  assert.ok(r.gate!.value < 5, `steady volume ratio ${r.gate!.value}`);
  const ev = h.events.find((e) => e.tenantId === 'spiky')!.data['evidence'] as Array<{ gate: { value: number } }>;
  assert.equal(ev[0]!.gate.value, 24, '400 recipients in 10 m = 2,400/h against the floor of 100/h');
});

test('campaign fingerprints: near-copies at three tenants count against each of them', () => {
  const rules: ThresholdRule[] = [{ name: 'campaign-share', signal: 'campaignShare', window: 'short', minVolume: 5, levels: { watch: 0.1, throttled: 0.3 } }];
  const h = harness({ rules });
  const fp = 'a1b2c3d4e5f60718';
  const near = 'a1b2c3d4e5f60719'; // 1 bit apart
  scan(h, 't1', 'clean', 5, fp);
  scan(h, 't2', 'clean', 5, near);
  assert.equal(h.engine.standing('t1'), 'normal');
  scan(h, 't3', 'clean', 5, fp); // third tenant: every one of t3's messages is a campaign hit
  assert.equal(h.engine.standing('t3'), 'throttled');
  scan(h, 't1', 'clean', 5, fp); // t1's later messages now count too: 5/10
  assert.equal(h.engine.standing('t1'), 'throttled');
  scan(h, 'other', 'clean', 10, 'ffffffff00000000');
  assert.equal(h.engine.standing('other'), 'normal');
});

test('destinations: never-seen domains and distinct domains per window', () => {
  const h = harness({ rules: [] });
  h.engine.submitted('d', 2, h.clock.now(), ['a.test', 'b.test']);
  h.engine.submitted('d', 1, h.clock.now(), ['a.test']);
  h.clock.advance(2 * MIN);
  h.engine.submitted('d', 1, h.clock.now(), ['a.test']);
  const w = Object.fromEntries(h.engine.report('d').windows.map((x) => [x.window, x.counts]));
  assert.equal(w['short']!.domainObs, 4);
  assert.equal(w['short']!.newDomains, 2);
  assert.equal(w['short']!.distinctDomains, 2);
  assert.equal(w['minute']!.distinctDomains, 1, 'a.test again after the minute window: distinct in it');
});

test('figures and standing survive a restart (coarse snapshot in state.db)', () => {
  const db = openSqlite(':memory:');
  const h = harness({}, db);
  scan(h, 'p', 'clean', 45);
  scan(h, 'p', 'spam', 5);
  h.engine.submitted('p', 3, h.clock.now(), ['x.test']);
  assert.equal(h.engine.standing('p'), 'high-risk-only');
  h.engine.flush(h.clock.now());
  const again = new ReputationEngine({ settings: DEFAULT_SETTINGS, store: new ReputationStore(db), clock: h.clock });
  assert.equal(again.standing('p'), 'high-risk-only');
  const before = h.engine.report('p');
  const after = again.report('p');
  assert.deepEqual(after.windows, before.windows);
  assert.equal(after.reason, before.reason);
  // The destination is known after the restart: not new again.
  again.submitted('p', 1, h.clock.now(), ['x.test']);
  assert.equal(again.report('p').windows[1]!.counts.newDomains, 1);
});

test('state machine decision table (fixture in → expected step out)', async () => {
  const { stepStanding } = await import('../src/reputation/state-machine.js');
  const S = { coolDown: HOUR, suspendAfter: 10 * MIN };
  type Row = [string, { state: 'normal' | 'watch' | 'throttled' | 'high-risk-only' | 'suspended'; since: number; cleanSince: number | null }, { level: 'normal' | 'watch' | 'throttled' | 'high-risk-only' | 'suspended'; holdLevel: 'normal' | 'watch' | 'throttled' | 'high-risk-only' | 'suspended' }, number, string];
  const rows: Row[] = [
    ['escalates to the level reached', { state: 'normal', since: 0, cleanSince: null }, { level: 'throttled', holdLevel: 'throttled' }, 0, 'throttled evidence'],
    ['suspension level without dwell → high-risk-only', { state: 'normal', since: 0, cleanSince: null }, { level: 'suspended', holdLevel: 'suspended' }, 0, 'high-risk-only evidence'],
    ['suspension level, 9 m in high-risk-only → stays', { state: 'high-risk-only', since: 0, cleanSince: null }, { level: 'suspended', holdLevel: 'suspended' }, 9 * MIN, 'high-risk-only'],
    ['suspension level, 10 m in high-risk-only → suspended', { state: 'high-risk-only', since: 0, cleanSince: null }, { level: 'suspended', holdLevel: 'suspended' }, 10 * MIN, 'suspended evidence'],
    ['lower evidence never escalates or recovers at once', { state: 'throttled', since: 0, cleanSince: null }, { level: 'watch', holdLevel: 'throttled' }, 2 * HOUR, 'throttled'],
    ['clean starts the cool-down', { state: 'throttled', since: 0, cleanSince: null }, { level: 'normal', holdLevel: 'watch' }, 2 * HOUR, 'throttled clean@7200'],
    ['clean for the cool-down → one step up', { state: 'throttled', since: 0, cleanSince: HOUR }, { level: 'normal', holdLevel: 'normal' }, 2 * HOUR, 'watch recovery'],
    ['clean but not long enough in the standing', { state: 'watch', since: 2 * HOUR, cleanSince: 0 }, { level: 'normal', holdLevel: 'normal' }, 2 * HOUR + 59 * MIN, 'watch clean@0'],
    ['hold-level evidence resets the clean clock', { state: 'watch', since: 0, cleanSince: HOUR }, { level: 'normal', holdLevel: 'watch' }, 2 * HOUR, 'watch'],
    ['suspended never recovers by itself', { state: 'suspended', since: 0, cleanSince: 0 }, { level: 'normal', holdLevel: 'normal' }, 1000 * HOUR, 'suspended clean@0'],
  ];
  for (const [what, cur, ev, now, want] of rows) {
    const s = stepStanding(cur, ev, now, S);
    const got = `${s.next.state}${s.change ? ` ${s.change.trigger}` : ''}${s.next.cleanSince !== null && !s.change ? ` clean@${s.next.cleanSince / 1000}` : ''}`;
    assert.equal(got, want, what);
  }
});

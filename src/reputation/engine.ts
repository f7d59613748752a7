/**
 * The reputation engine: per tenant, sliding windows of counters (see
 * figures.ts), an exponentially weighted baseline of recipients per period,
 * destination domains and cross-tenant campaign fingerprints; on every
 * signal the tenant's rules are evaluated (rules.ts) and the state machine
 * (state-machine.ts) stepped. A transition is stored with its evidence
 * (store.ts), logged, and emitted as `tenant-state-changed` on the event bus
 * (the alert mailer and webhooks listen there).
 *
 * Hot path: every signal is O(windows + rules) with no I/O; storage writes
 * happen only on transitions (rare) and in flush() (coarse snapshots).
 * tick() (about once a second in the gateway) runs recovery for restricted
 * tenants and adopts operator changes written by the CLI. Signals never
 * throw into the mail path: a failure is logged and the signal dropped.
 */
import type { Clock } from '../core/clock.js';
import type { TenantId, VerdictClass } from '../core/types.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import { CampaignTracker } from './campaigns.js';
import { C, COUNTERS, signal, type SignalValue } from './figures.js';
import { WINDOW_NAMES, type SignalName, type WindowName } from './names.js';
import { describeReading, evaluateLevels, evaluateRules, rank, type Evaluation, type RuleReading, type ThresholdRule } from './rules.js';
import type { ReputationSettings } from './settings.js';
import type { DeliveryOutcomeKind, ReputationSignals, StandingInfo, TenantStanding } from './signals.js';
import { stepStanding, type StandingState } from './state-machine.js';
import type { HistoryEntry, ReputationStore, TransitionTrigger } from './store.js';
import { SlidingCounters, type WindowSnapshot } from './window.js';

interface TenantRep {
  readonly id: TenantId;
  readonly windows: SlidingCounters[];
  baseline: number;
  periodStart: number;
  periodCount: number;
  /** Destination domain → last seen (insertion order = least recently used first). */
  readonly domains: Map<string, number>;
  newDomains: Array<{ tenantId: TenantId; domain: string; at: number }>;
  standing: StandingState;
  reason: string;
  dirty: boolean;
}

interface Snapshot {
  readonly v: 1;
  readonly lengths: readonly number[];
  readonly windows: readonly WindowSnapshot[];
  readonly baseline: number;
  readonly periodStart: number;
  readonly periodCount: number;
}

/** One evidence item as stored and emitted. */
export interface Evidence {
  readonly rule: string;
  readonly signal: SignalName;
  readonly window: WindowName;
  readonly windowMs: number;
  readonly value: number;
  readonly volume: number;
  readonly floor: number;
  readonly level: TenantStanding;
  readonly threshold?: number;
  readonly gate?: RuleReading['gate'];
}

export interface ReputationEngineOptions {
  readonly settings: ReputationSettings;
  readonly store?: ReputationStore;
  readonly events?: EventBus;
  readonly clock: Clock;
  readonly log?: Logger;
}

/** The figures of one window, for reports. */
export interface WindowFigures {
  readonly window: WindowName;
  readonly lengthMs: number;
  readonly counts: Readonly<Record<keyof typeof C, number>>;
}

export interface ReputationReport {
  readonly tenantId: TenantId;
  readonly at: number;
  readonly standing: TenantStanding;
  readonly since: number;
  readonly reason: string;
  readonly cleanSince: number | null;
  readonly baseline: { readonly value: number; readonly floor: number; readonly periodMs: number };
  readonly windows: readonly WindowFigures[];
  readonly evaluation: Evaluation;
  readonly history: readonly HistoryEntry[];
  /** The rules in force (thresholds as data). */
  readonly rules: readonly ThresholdRule[];
}

const round = (x: number): number => Math.round(x * 1e6) / 1e6;
const WINDOW_INDEX = Object.fromEntries(WINDOW_NAMES.map((w, i) => [w, i])) as Record<WindowName, number>;

export class ReputationEngine implements ReputationSignals {
  private readonly tenants = new Map<TenantId, TenantRep>();
  private readonly campaigns: CampaignTracker;
  private readonly s: ReputationSettings;
  private readonly lengths: number[];
  private lastHistoryId = 0;

  constructor(private readonly o: ReputationEngineOptions) {
    this.s = o.settings;
    this.lengths = WINDOW_NAMES.map((w) => this.s.windows[w]);
    this.campaigns = new CampaignTracker(this.s.campaign.window);
    if (o.store) this.load(o.store);
  }

  // ---- signals (hot path) ------------------------------------------------------

  submitted(tenantId: TenantId, recipients: number, at: number, rcptDomains?: readonly string[]): void {
    this.guard(tenantId, at, (t) => {
      this.add(t, at, C.messages, 1);
      this.add(t, at, C.recipients, recipients);
      this.rollBaseline(t, at);
      t.periodCount += recipients;
      for (const d of rcptDomains ?? []) this.destination(t, d.toLowerCase(), at);
    });
  }

  scanned(tenantId: TenantId, v: { readonly class: VerdictClass; readonly fingerprint: string }, at: number): void {
    this.guard(tenantId, at, (t) => {
      this.add(t, at, C.scanned, 1);
      if (v.class === 'spam') this.add(t, at, C.spam, 1);
      else if (v.class === 'suspect') this.add(t, at, C.suspect, 1);
      if (v.fingerprint && this.campaigns.see(tenantId, v.fingerprint, at) >= this.s.campaign.minTenants) this.add(t, at, C.campaign, 1);
    });
  }

  delivery(tenantId: TenantId, o: { readonly kind: DeliveryOutcomeKind; readonly domain: string; readonly ip?: string }, at: number): void {
    this.guard(tenantId, at, (t) => {
      this.add(t, at, C.attempts, 1);
      switch (o.kind) {
        case 'delivered':
          this.add(t, at, C.delivered, 1);
          this.add(t, at, C.final, 1);
          break;
        case 'unknown-recipient':
        case 'hard-bounce':
          // An unknown recipient is a hard bounce too.
          if (o.kind === 'unknown-recipient') this.add(t, at, C.unknown, 1);
          this.add(t, at, C.hard, 1);
          this.add(t, at, C.final, 1);
          break;
        case 'soft-bounce':
          this.add(t, at, C.soft, 1);
          break;
        case 'slow-down':
          this.add(t, at, C.slowDown, 1);
          break;
        case 'blocked':
          this.add(t, at, C.blocked, 1);
          break;
      }
    });
  }

  bounce(tenantId: TenantId, o: { readonly recipient: string; readonly hard: boolean; readonly unknownRecipient: boolean }, at: number): void {
    this.guard(tenantId, at, (t) => {
      if (!o.hard) return this.add(t, at, C.soft, 1);
      // An asynchronous bounce of mail the receiver first accepted (already counted as final).
      this.add(t, at, C.hard, 1);
      if (o.unknownRecipient) this.add(t, at, C.unknown, 1);
    });
  }

  complaint(tenantId: TenantId, _o: { readonly recipient?: string }, at: number): void {
    this.guard(tenantId, at, (t) => this.add(t, at, C.complaints, 1));
  }

  standing(tenantId: TenantId): TenantStanding {
    return this.tenants.get(tenantId)?.standing.state ?? 'normal';
  }

  explain(tenantId: TenantId): StandingInfo | undefined {
    const t = this.tenants.get(tenantId);
    return t ? { standing: t.standing.state, since: t.standing.since, reason: t.reason } : undefined;
  }

  // ---- periodic work -----------------------------------------------------------

  /** Recovery for restricted tenants and operator changes from the store; call about once a second. */
  tick(now: number = this.o.clock.now()): void {
    try {
      this.adoptOperatorChanges(now);
      for (const t of this.tenants.values()) if (t.standing.state !== 'normal') this.evaluate(t, now);
    } catch (e) {
      this.o.log?.error({ err: e }, 'reputation: tick failed');
    }
  }

  /** Saves changed tenants' windows and new destination domains (coarse persistence). */
  flush(now: number = this.o.clock.now()): void {
    const store = this.o.store;
    if (!store) return;
    const snaps: Array<{ tenantId: TenantId; data: Snapshot }> = [];
    const domains: Array<{ tenantId: TenantId; domain: string; at: number }> = [];
    for (const t of this.tenants.values()) {
      if (!t.dirty) continue;
      t.dirty = false;
      snaps.push({ tenantId: t.id, data: this.snapshotOf(t) });
      domains.push(...t.newDomains);
      t.newDomains = [];
    }
    if (snaps.length === 0) return;
    try {
      store.save(snaps, domains, now);
    } catch (e) {
      this.o.log?.error({ err: e }, 'reputation: saving figures failed; kept in memory, retried at the next flush');
      for (const s of snaps) {
        const t = this.tenants.get(s.tenantId);
        if (t) t.dirty = true;
      }
    }
  }

  /** The current figures, every rule's reading and recent transitions. */
  report(tenantId: TenantId, now: number = this.o.clock.now()): ReputationReport {
    const t = this.tenants.get(tenantId) ?? this.create(tenantId, now);
    this.rollBaseline(t, now);
    const windows = WINDOW_NAMES.map((w, i) => {
      const counts = {} as Record<keyof typeof C, number>;
      for (const [k, idx] of Object.entries(C)) counts[k as keyof typeof C] = t.windows[i]!.sum(idx, now);
      return { window: w, lengthMs: this.lengths[i]!, counts };
    });
    return {
      tenantId, at: now, standing: t.standing.state, since: t.standing.since,
      reason: t.reason, cleanSince: t.standing.cleanSince,
      baseline: { value: round(t.baseline), floor: this.s.baseline.floor, periodMs: this.s.baseline.period },
      windows, evaluation: this.evaluation(t, now), history: this.o.store?.history(tenantId, 20) ?? [], rules: this.s.rules,
    };
  }

  // ---- internals -----------------------------------------------------------------

  private guard(tenantId: TenantId, at: number, fn: (t: TenantRep) => void): void {
    try {
      const t = this.tenants.get(tenantId) ?? this.create(tenantId, at);
      fn(t);
      t.dirty = true;
      this.evaluate(t, at);
    } catch (e) {
      this.o.log?.error({ err: e, tenant: tenantId }, 'reputation: signal dropped');
    }
  }

  private create(id: TenantId, at: number): TenantRep {
    const t: TenantRep = {
      id,
      windows: this.lengths.map((l) => new SlidingCounters(l, this.s.buckets, COUNTERS)),
      baseline: 0,
      periodStart: Math.floor(at / this.s.baseline.period) * this.s.baseline.period,
      periodCount: 0,
      domains: new Map(),
      newDomains: [],
      standing: { state: 'normal', since: at, cleanSince: null },
      reason: '',
      dirty: false,
    };
    this.tenants.set(id, t);
    return t;
  }

  private add(t: TenantRep, at: number, counter: number, n: number): void {
    for (const w of t.windows) w.add(at, counter, n);
  }

  private destination(t: TenantRep, domain: string, at: number): void {
    const last = t.domains.get(domain);
    this.add(t, at, C.domainObs, 1);
    if (last === undefined) {
      this.add(t, at, C.newDomains, 1);
      t.newDomains.push({ tenantId: t.id, domain, at });
    } else {
      t.domains.delete(domain);
    }
    // Distinct per window: a domain counts again once its last sighting left that window.
    for (let i = 0; i < t.windows.length; i++) if (last === undefined || last < at - this.lengths[i]!) t.windows[i]!.add(at, C.distinctDomains, 1);
    t.domains.set(domain, at);
    if (t.domains.size > this.s.knownDomains) t.domains.delete(t.domains.keys().next().value!);
  }

  /** Folds finished baseline periods into the exponentially weighted baseline. */
  private rollBaseline(t: TenantRep, at: number): void {
    const { period, alpha } = this.s.baseline;
    if (at < t.periodStart + period) return;
    const n = Math.floor((at - t.periodStart) / period);
    t.baseline = (alpha * t.periodCount + (1 - alpha) * t.baseline) * Math.pow(1 - alpha, n - 1);
    t.periodStart += n * period;
    t.periodCount = 0;
    t.dirty = true;
  }

  private read(t: TenantRep, at: number): (sig: SignalName, w: WindowName) => SignalValue {
    const ctx = { baselinePeriodMs: this.s.baseline.period, baseline: Math.max(t.baseline, this.s.baseline.floor) };
    return (sig, w) => signal(sig, t.windows[WINDOW_INDEX[w]]!, at, ctx);
  }

  private evaluation(t: TenantRep, at: number): Evaluation {
    return evaluateRules(this.s.rules, this.read(t, at), { minVolume: this.s.minVolume, hysteresis: this.s.hysteresis });
  }

  private evaluate(t: TenantRep, at: number): void {
    const step = stepStanding(t.standing, evaluateLevels(this.s.rules, this.read(t, at), { minVolume: this.s.minVolume, hysteresis: this.s.hysteresis }), at, {
      coolDown: this.s.coolDown,
      suspendAfter: this.s.suspendAfter,
    });
    t.standing = step.next;
    if (!step.change) return;
    // A transition (rare): now compute the full readings for the evidence.
    const ev = this.evaluation(t, at);
    const { from, to, trigger } = step.change;
    const hits = ev.readings.filter((r) => rank(r.level) > 0);
    const evidence: Evidence[] = (trigger === 'evidence' ? hits : ev.readings.filter((r) => !r.skipped)).map((r) => this.evidence(r));
    const reason = trigger === 'evidence'
      ? [...hits].sort((a, b) => rank(b.level) - rank(a.level)).map(describeReading).join('; ')
      : `clean for ${Math.round(this.s.coolDown / 1000)} s: every rule below ${Math.round(this.s.hysteresis * 100)}% of its ${from} threshold`;
    this.record(t, { from, to, trigger, actor: 'engine', reason, evidence }, at);
  }

  private evidence(r: RuleReading): Evidence {
    return {
      rule: r.rule, signal: r.signal, window: r.window, windowMs: this.s.windows[r.window], value: round(r.value), volume: r.volume, floor: r.floor, level: r.level,
      ...(r.threshold !== undefined ? { threshold: r.threshold } : {}), ...(r.gate ? { gate: { ...r.gate, value: round(r.gate.value) } } : {}),
    };
  }

  private record(t: TenantRep, c: { from: TenantStanding; to: TenantStanding; trigger: TransitionTrigger; actor: string; reason: string; evidence: readonly unknown[] }, at: number): void {
    t.reason = c.reason;
    let id: number | undefined;
    try {
      id = this.o.store?.transition({ tenantId: t.id, at, ...c }).id;
      if (id !== undefined && id === this.lastHistoryId + 1) this.lastHistoryId = id;
    } catch (e) {
      this.o.log?.error({ err: e, tenant: t.id }, 'reputation: storing a transition failed (it holds in memory)');
    }
    this.announce(t.id, c, at, id);
  }

  private announce(tenantId: TenantId, c: { from: TenantStanding; to: TenantStanding; trigger: TransitionTrigger; actor: string; reason: string; evidence: readonly unknown[] }, at: number, id?: number): void {
    const worse = rank(c.to) > rank(c.from);
    this.o.log?.[worse ? 'warn' : 'info']({ tenant: tenantId, from: c.from, to: c.to, trigger: c.trigger, reason: c.reason }, `reputation: tenant ${tenantId} ${c.from} → ${c.to}`);
    this.o.events?.emit({ type: 'tenant-state-changed', at, tenantId, data: { ...c, ...(id !== undefined ? { historyId: id } : {}) } });
  }

  /** History rows the engine did not write (operator reinstate/suspend from the CLI). */
  private adoptOperatorChanges(now: number): void {
    const store = this.o.store;
    if (!store) return;
    for (const e of store.historySince(this.lastHistoryId)) {
      this.lastHistoryId = e.id;
      if (e.actor === 'engine') continue;
      const t = this.tenants.get(e.tenantId) ?? this.create(e.tenantId, now);
      t.standing = { state: e.to, since: e.at, cleanSince: null };
      t.reason = e.reason;
      if (e.trigger === 'reinstate') {
        // The operator judged the evidence: start the figures afresh (the baseline stays).
        for (const w of t.windows) w.clear();
        t.dirty = true;
      }
      store.saveStanding({ tenantId: t.id, state: e.to, since: e.at, reason: e.reason }, now);
      this.announce(t.id, { from: e.from, to: e.to, trigger: e.trigger, actor: e.actor, reason: e.reason, evidence: e.evidence }, e.at, e.id);
    }
  }

  private snapshotOf(t: TenantRep): Snapshot {
    return { v: 1, lengths: this.lengths, windows: t.windows.map((w) => w.snapshot()), baseline: t.baseline, periodStart: t.periodStart, periodCount: t.periodCount };
  }

  private load(store: ReputationStore): void {
    const now = this.o.clock.now();
    this.lastHistoryId = store.lastHistoryId();
    const snaps = store.snapshots();
    const ids = new Set([...snaps.keys(), ...store.standings().map((s) => s.tenantId)]);
    const standings = new Map(store.standings().map((s) => [s.tenantId, s]));
    for (const id of ids) {
      const t = this.create(id, now);
      const st = standings.get(id);
      if (st) {
        t.standing = { state: st.state, since: st.since, cleanSince: null };
        t.reason = st.reason;
      }
      const s = snaps.get(id) as Partial<Snapshot> | undefined;
      if (s?.v === 1 && Array.isArray(s.windows) && JSON.stringify(s.lengths) === JSON.stringify(this.lengths)) {
        s.windows.forEach((w, i) => t.windows[i]?.restore(w));
        t.baseline = Number(s.baseline) || 0;
        if (Number.isFinite(s.periodStart)) t.periodStart = s.periodStart!;
        t.periodCount = Number(s.periodCount) || 0;
      }
      for (const d of store.knownDomains(id, this.s.knownDomains).reverse()) t.domains.set(d, 0);
    }
  }
}

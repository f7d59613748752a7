/**
 * Tenant sending limits as an AdmissionCheck (ingress/admission.ts): per
 * tenant and per tenant credential (SMTP user or API key), over sliding
 * windows — messages per minute, recipients per hour, recipients per day
 * (0 = no limit). Defaults come from config `limits`, a tenant's overrides
 * from the state database (`outpost limits set`).
 *
 * On a breach the tenant's action applies:
 * - throttle: 451 4.7.1 until the window has room again (the reply says when);
 * - block-until-tomorrow: 550 5.7.1 until 00:00 UTC of the next day;
 * - block: 550 5.1.8 until `outpost tenant unblock`.
 * Each reply names the limit, the numbers and until when; each breach is a
 * `limit-exceeded` platform event (throttle: at most one per subject and
 * limit per minute).
 *
 * When a block ends (next UTC day, or unblocked) the subject's counters
 * start from zero.
 *
 * Cost: counting is in memory (SlidingWindow per subject and limit).
 * Blocks and overrides are re-read from the state database every REFRESH_MS
 * (so the CLI's unblock applies within that time); hour and day counters are
 * saved every SAVE_MS and at stop, so a restart keeps them coarsely.
 * Limits: check() and record() are separate (record runs after the durable
 * write), so messages admitted at the same moment may overshoot a limit by
 * the number in flight.
 */
import { SmtpError } from '../core/smtp-reply.js';
import type { Clock } from '../core/clock.js';
import type { TenantId } from '../core/types.js';
import type { LimitSetConfig } from '../config/schema.js';
import type { EventBus } from '../events/bus.js';
import type { AdmissionCheck, AdmissionRequest } from '../ingress/admission.js';
import { SlidingWindow } from './window.js';
import { LIMIT_NAMES, type Block, type LimitAction, type LimitName, type LimitOverrides, type LimitStore } from './store.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WINDOWS: Record<LimitName, { ms: number; buckets: number; words: string; persist: boolean }> = {
  messagesPerMinute: { ms: MINUTE, buckets: 60, words: 'messages per minute', persist: false },
  recipientsPerHour: { ms: HOUR, buckets: 60, words: 'recipients per hour', persist: true },
  recipientsPerDay: { ms: DAY, buckets: 288, words: 'recipients per day', persist: true },
};
const WINDOW_WORDS: Record<LimitName, string> = { messagesPerMinute: 'the last minute', recipientsPerHour: 'the last hour', recipientsPerDay: 'the last 24 hours' };
const REFRESH_MS = 2000;
const SAVE_MS = 30_000;
const EVENT_GAP_MS = MINUTE;

export interface LimitsConfig {
  readonly enabled: boolean;
  readonly tenant: LimitSetConfig;
  readonly user: LimitSetConfig;
  readonly action: LimitAction;
}

export interface EffectiveLimits {
  readonly tenant: Readonly<Record<LimitName, number>>;
  readonly user: Readonly<Record<LimitName, number>>;
  readonly action: LimitAction;
}

export function effectiveLimits(config: LimitsConfig, o: LimitOverrides): EffectiveLimits {
  return { tenant: { ...config.tenant, ...o.tenant }, user: { ...config.user, ...o.user }, action: o.action ?? config.action };
}

/** 00:00 UTC of the day after `now`. */
export function nextUtcDay(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
}

const isoTime = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

export interface TenantLimitsOptions {
  readonly config: LimitsConfig;
  readonly store: LimitStore;
  readonly clock: Clock;
  readonly events?: EventBus;
}

export interface UsageRow {
  readonly subject: 'tenant' | 'user';
  readonly user?: string;
  readonly limit: LimitName;
  readonly count: number;
  readonly max: number;
}

export class TenantLimits implements AdmissionCheck {
  readonly name = 'limits';
  private readonly windows = new Map<string, Map<LimitName, SlidingWindow>>();
  private readonly dirty = new Set<string>();
  private blocks = new Map<string, Block>();
  private overrides = new Map<TenantId, LimitOverrides>();
  private refreshedAt = -Infinity;
  private savedAt: number;
  private readonly lastEvent = new Map<string, number>();

  constructor(private readonly o: TenantLimitsOptions) {
    const now = o.clock.now();
    this.savedAt = now;
    for (const r of o.store.loadCounters()) {
      if (!(r.window in WINDOWS)) continue;
      this.window(r.subject, r.window as LimitName).load(r.data, now);
    }
  }

  private window(subject: string, limit: LimitName): SlidingWindow {
    let m = this.windows.get(subject);
    if (!m) this.windows.set(subject, (m = new Map()));
    let w = m.get(limit);
    if (!w) m.set(limit, (w = new SlidingWindow(WINDOWS[limit].ms, WINDOWS[limit].buckets)));
    return w;
  }

  /** Re-reads blocks and overrides when they are older than REFRESH_MS (or when forced). */
  refresh(force = false): void {
    const now = this.o.clock.now();
    if (!force && now - this.refreshedAt < REFRESH_MS) return;
    this.refreshedAt = now;
    this.o.store.pruneBlocks(now);
    const next = new Map(this.o.store.blocks().map((b) => [b.subject, b]));
    for (const s of this.blocks.keys()) if (!next.has(s)) this.lifted(s);
    this.blocks = next;
    this.overrides = new Map();
    if (now - this.savedAt >= SAVE_MS) this.save();
  }

  limitsOf(tenantId: TenantId): EffectiveLimits {
    let o = this.overrides.get(tenantId);
    if (!o) this.overrides.set(tenantId, (o = this.o.store.overrides(tenantId)));
    return effectiveLimits(this.o.config, o);
  }

  /** Current counts against each limit, for `outpost limits show` and tests. */
  usage(tenantId: TenantId, user?: string): UsageRow[] {
    const now = this.o.clock.now();
    const eff = this.limitsOf(tenantId);
    const rows: UsageRow[] = [];
    for (const limit of LIMIT_NAMES) rows.push({ subject: 'tenant', limit, count: this.window(`t:${tenantId}`, limit).total(now), max: eff.tenant[limit] });
    if (user !== undefined) for (const limit of LIMIT_NAMES) rows.push({ subject: 'user', user, limit, count: this.window(`u:${tenantId}:${user}`, limit).total(now), max: eff.user[limit] });
    return rows;
  }

  check(r: AdmissionRequest): void {
    if (!this.o.config.enabled) return;
    this.refresh();
    const now = r.at;
    const subjects = this.subjects(r);
    for (const s of subjects) {
      const b = this.blocks.get(s.key);
      if (!b) continue;
      if (b.until === null || b.until > now) throw blockedReply(b);
      this.blocks.delete(s.key);
      this.lifted(s.key);
    }
    const eff = this.limitsOf(r.tenantId);
    for (const s of subjects) {
      const set = s.user === undefined ? eff.tenant : eff.user;
      for (const limit of LIMIT_NAMES) {
        const max = set[limit];
        if (max <= 0) continue;
        const add = limit === 'messagesPerMinute' ? 1 : r.rcptTo.length;
        const w = this.window(s.key, limit);
        const count = w.total(now);
        if (count + add > max) this.breach(r, s, limit, count, add, max, w, eff.action, now);
      }
    }
  }

  record(r: AdmissionRequest): void {
    if (!this.o.config.enabled) return;
    for (const s of this.subjects(r)) {
      for (const limit of LIMIT_NAMES) this.window(s.key, limit).add(r.at, limit === 'messagesPerMinute' ? 1 : r.rcptTo.length);
      this.dirty.add(s.key);
    }
  }

  /**
   * A block ended (next UTC day, or an operator lifted it): the subject starts
   * afresh, or the counts that caused the block would block it again at once.
   */
  private lifted(subject: string): void {
    this.windows.delete(subject);
    this.dirty.add(subject);
  }

  private subjects(r: AdmissionRequest): Array<{ key: string; user?: string }> {
    const out: Array<{ key: string; user?: string }> = [{ key: `t:${r.tenantId}` }];
    if (r.user) out.push({ key: `u:${r.tenantId}:${r.user}`, user: r.user });
    return out;
  }

  private breach(r: AdmissionRequest, s: { key: string; user?: string }, limit: LimitName, count: number, add: number, max: number, w: SlidingWindow, action: LimitAction, now: number): never {
    const who = s.user === undefined ? `tenant ${r.tenantId}` : `user ${s.user} of tenant ${r.tenantId}`;
    const numbers = `${WINDOWS[limit].words} limit ${max}: ${count} in ${WINDOW_WORDS[limit]}, this message adds ${add}`;
    if (action === 'throttle') {
      const until = w.freesAt(now, max - add);
      this.emit(r, s, limit, count, add, max, action, until, true);
      throw new SmtpError(451, '4.7.1', `Sending limit reached for ${who} (${numbers}); try again after ${isoTime(until)}`);
    }
    const until = action === 'block-until-tomorrow' ? nextUtcDay(now) : null;
    const reason = `${WINDOWS[limit].words} limit exceeded (${numbers})`;
    const b: Block = { subject: s.key, tenantId: r.tenantId, user: s.user ?? null, limit, count: count + add, max, since: now, until, reason: `${who}: ${reason}` };
    this.o.store.addBlock(b);
    this.blocks.set(b.subject, b);
    this.emit(r, s, limit, count, add, max, action, until, false);
    throw blockedReply(b);
  }

  private emit(r: AdmissionRequest, s: { key: string; user?: string }, limit: LimitName, count: number, add: number, max: number, action: LimitAction, until: number | null, dedupe: boolean): void {
    if (!this.o.events) return;
    const k = `${s.key}|${limit}`;
    if (dedupe) {
      const last = this.lastEvent.get(k);
      if (last !== undefined && r.at - last < EVENT_GAP_MS) return;
      if (this.lastEvent.size > 10_000) this.lastEvent.clear();
      this.lastEvent.set(k, r.at);
    }
    this.o.events.emit({
      type: 'limit-exceeded', at: r.at, tenantId: r.tenantId,
      data: { scope: s.user === undefined ? 'tenant' : 'user', ...(s.user ? { user: s.user } : {}), limit, count, adding: add, max, action, until: until === null ? null : isoTime(until), source: r.source },
    });
  }

  /** Writes the hour and day counters of subjects that changed since the last save. */
  save(): void {
    const now = this.o.clock.now();
    this.savedAt = now;
    const rows: Array<{ subject: string; window: string; data: Array<[number, number]> }> = [];
    for (const key of this.dirty) {
      const m = this.windows.get(key);
      if (!m) {
        for (const limit of LIMIT_NAMES) if (WINDOWS[limit].persist) rows.push({ subject: key, window: limit, data: [] });
        continue;
      }
      for (const [limit, w] of m) if (WINDOWS[limit].persist) rows.push({ subject: key, window: limit, data: w.dump(now) });
      if ([...m.values()].every((w) => w.total(now) === 0)) this.windows.delete(key);
    }
    this.dirty.clear();
    if (rows.length > 0) this.o.store.saveCounters(rows, now);
  }
}

export function blockedReply(b: Block): SmtpError {
  const until = b.until === null ? 'until an operator unblocks it' : `until ${isoTime(b.until)}`;
  const who = b.user === null ? `Tenant ${b.tenantId}` : `User ${b.user} of tenant ${b.tenantId}`;
  const why = b.reason.replace(/^[^:]*: /, '');
  return b.until === null
    ? new SmtpError(550, '5.1.8', `${who} is blocked from sending ${until}: ${why}`)
    : new SmtpError(550, '5.7.1', `${who} is blocked from sending ${until}: ${why}`);
}

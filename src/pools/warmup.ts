/**
 * IP warm-up: a new IP may send only so many messages per UTC day, rising
 * over its schedule (config `pools.<name>.ips[].warmup`). Once today's quota
 * is used, the delivery engine picks another in-rotation IP of the pool; when
 * every in-rotation IP of a pool is out of quota, that pool's mail waits for
 * the next UTC day.
 *
 * Counting is cheap: an in-memory counter per IP for today, written to
 * state.db (`ip_daily_sends`) every few seconds and at stop, and read back on
 * start, so a restart keeps the day's count (a crash loses at most the last
 * few seconds of counts). The first day of the schedule is `warmup.since`, or
 * else the first UTC day a process saw the IP with a warm-up (kept in
 * `ip_warmup`).
 *
 * Limits: a message is counted when it is sent on a connection; several
 * connections from the same IP that each send their next message at the
 * moment the quota runs out may overshoot it by at most one message each.
 */
import type { Clock } from '../core/clock.js';
import type { PoolConfig } from '../config/schema.js';
import { migrate, type Db } from '../db/sqlite.js';

export type WarmupPlan = NonNullable<PoolConfig['ips'][number]['warmup']>;

/** What the delivery engine asks before it sends from an IP (src/delivery/engine.ts). */
export interface WarmupGate {
  /** Messages this IP may still send today (Infinity without a warm-up, or once it is finished). */
  remaining(ip: string): number;
  /** One message was sent from `ip`. */
  sent(ip: string): void;
  /** Milliseconds until the quotas reset (the next UTC midnight). */
  resetsIn(): number;
}

export interface WarmupStatus {
  /** 1-based day of the schedule (today). */
  readonly day: number;
  readonly days: number;
  /** Today's limit; null once the schedule is over (no limit). */
  readonly limit: number | null;
  readonly used: number;
  readonly firstDay: string;
}

const MIGRATIONS = [
  `CREATE TABLE ip_warmup (ip TEXT PRIMARY KEY, first_day TEXT NOT NULL);
   CREATE TABLE ip_daily_sends (ip TEXT NOT NULL, day TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (ip, day));`,
];

const DAY = 86_400_000;
const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Today's limit on day `day` (1-based) of the plan; null when the warm-up is over. */
export function dailyLimit(plan: WarmupPlan, day: number): number | null {
  const d = Math.max(1, day);
  if (plan.schedule) return d <= plan.schedule.length ? plan.schedule[d - 1]! : null;
  if (d > plan.days) return null;
  return Math.round((plan.start ?? 0) * Math.pow(plan.growth, d - 1));
}

export function planDays(plan: WarmupPlan): number {
  return plan.schedule ? plan.schedule.length : plan.days;
}

/** The warm-up plans of the configured pool IPs (an IP in several pools: its first plan). */
export function warmupPlans(pools: Readonly<Record<string, PoolConfig>>): Map<string, WarmupPlan> {
  const out = new Map<string, WarmupPlan>();
  for (const p of Object.values(pools)) for (const x of p.ips) if (x.warmup && !out.has(x.ip)) out.set(x.ip, x.warmup);
  return out;
}

export class WarmupCounter implements WarmupGate {
  private readonly firstDays = new Map<string, string>();
  private readonly counts = new Map<string, { day: string; count: number; dirty: boolean }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly plans: ReadonlyMap<string, WarmupPlan>,
  ) {
    migrate(db, 'warmup', MIGRATIONS);
    const today = dayOf(clock.now());
    for (const [ip, plan] of plans) {
      if (plan.since) this.firstDays.set(ip, plan.since);
      else {
        db.prepare('INSERT INTO ip_warmup (ip, first_day) VALUES (?, ?) ON CONFLICT(ip) DO NOTHING').run(ip, today);
        this.firstDays.set(ip, (db.prepare('SELECT first_day FROM ip_warmup WHERE ip = ?').get(ip) as { first_day: string }).first_day);
      }
      const row = db.prepare('SELECT count FROM ip_daily_sends WHERE ip = ? AND day = ?').get(ip, today) as { count: number } | undefined;
      this.counts.set(ip, { day: today, count: row?.count ?? 0, dirty: false });
    }
  }

  /** Writes counts every `everyMs` until stop(). */
  start(everyMs = 5000): void {
    this.timer = setInterval(() => this.flush(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.flush();
  }

  flush(): void {
    const dirty = [...this.counts.entries()].filter(([, c]) => c.dirty);
    if (dirty.length === 0) return;
    const put = this.db.prepare('INSERT INTO ip_daily_sends (ip, day, count) VALUES (?, ?, ?) ON CONFLICT(ip, day) DO UPDATE SET count = excluded.count');
    this.db.transaction(() => {
      for (const [ip, c] of dirty) {
        put.run(ip, c.day, c.count);
        c.dirty = false;
      }
    })();
  }

  private today(ip: string): { day: string; count: number; dirty: boolean } | undefined {
    const c = this.counts.get(ip);
    if (!c) return undefined;
    const day = dayOf(this.clock.now());
    if (c.day !== day) {
      this.flush();
      c.day = day;
      c.count = 0;
    }
    return c;
  }

  status(ip: string): WarmupStatus | undefined {
    const plan = this.plans.get(ip);
    const c = this.today(ip);
    if (!plan || !c) return undefined;
    const firstDay = this.firstDays.get(ip)!;
    const day = Math.floor((Date.parse(`${c.day}T00:00:00Z`) - Date.parse(`${firstDay}T00:00:00Z`)) / DAY) + 1;
    return { day: Math.max(1, day), days: planDays(plan), limit: dailyLimit(plan, day), used: c.count, firstDay };
  }

  remaining(ip: string): number {
    const s = this.status(ip);
    if (!s || s.limit === null) return Infinity;
    return Math.max(0, s.limit - s.used);
  }

  sent(ip: string): void {
    const c = this.today(ip);
    if (!c) return;
    c.count++;
    c.dirty = true;
  }

  resetsIn(): number {
    const now = this.clock.now();
    return Math.max(1000, Math.ceil((now + 1) / DAY) * DAY - now);
  }
}

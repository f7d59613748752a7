/**
 * IP pools: the configured pools and their source IPs, plus each IP's
 * rotation state (in or out, why, since when) kept in the state database so
 * that `outpost pool disable IP` works from the CLI against a running gateway
 * (the engine calls refresh() about once a second) and survives restarts.
 *
 * Two things take an IP out: the operator (`disable`, one state per IP) and
 * automatic holds (`hold`, one per source, e.g. `dnsbl:zen.spamhaus.org`).
 * An IP is in rotation when the operator has not disabled it and no hold is
 * on it, so a delisting never undoes an operator's decision and vice versa.
 *
 * Invariant: an IP out of rotation opens no new connections; connections in
 * flight finish. Limits: an IP listed in two pools shares one rotation state.
 */
import type { Clock } from '../core/clock.js';
import type { PoolName } from '../core/types.js';
import type { PoolConfig } from '../config/schema.js';
import { migrate, type Db } from '../db/sqlite.js';

export interface PoolIp {
  readonly pool: PoolName;
  readonly ip: string;
  readonly helo: string;
  readonly enabled: boolean;
  /** Why it is out of rotation (operator, DNSBL listing…); '' when in. */
  readonly reason: string;
  readonly changedAt: number | null;
  /** Automatic holds keeping it out (DNSBL listings…), oldest first. */
  readonly holds: readonly IpHold[];
  /** The operator's part of the state (disable/enable). */
  readonly operator: { readonly enabled: boolean; readonly reason: string; readonly changedAt: number | null };
}

export interface IpHold {
  /** Who holds it, e.g. `dnsbl:zen.spamhaus.org`. */
  readonly source: string;
  readonly reason: string;
  readonly since: number;
}

const MIGRATIONS = [
  `CREATE TABLE pool_ip_state (
     ip TEXT PRIMARY KEY,
     enabled INTEGER NOT NULL,
     reason TEXT NOT NULL DEFAULT '',
     changed_at INTEGER NOT NULL
   );`,
  `CREATE TABLE pool_ip_holds (
     ip TEXT NOT NULL,
     source TEXT NOT NULL,
     reason TEXT NOT NULL,
     since INTEGER NOT NULL,
     PRIMARY KEY (ip, source)
   );`,
];

export class PoolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PoolError';
  }
}

export class PoolRegistry {
  private state = new Map<string, { enabled: boolean; reason: string; changedAt: number }>();
  private holdsByIp = new Map<string, IpHold[]>();

  constructor(
    private readonly db: Db,
    readonly config: Readonly<Record<PoolName, PoolConfig>>,
    private readonly clock: Clock,
  ) {
    migrate(db, 'pools', MIGRATIONS);
    this.refresh();
  }

  /** Re-reads rotation state from the database (cheap: one row per IP that was ever changed). */
  refresh(): void {
    const rows = this.db.prepare('SELECT ip, enabled, reason, changed_at FROM pool_ip_state').all() as Array<{
      ip: string;
      enabled: number;
      reason: string;
      changed_at: number;
    }>;
    this.state = new Map(rows.map((r) => [r.ip, { enabled: r.enabled === 1, reason: r.reason, changedAt: r.changed_at }]));
    const holds = this.db.prepare('SELECT ip, source, reason, since FROM pool_ip_holds ORDER BY since, source').all() as Array<{ ip: string } & IpHold>;
    this.holdsByIp = new Map();
    for (const h of holds) {
      const list = this.holdsByIp.get(h.ip) ?? [];
      list.push({ source: h.source, reason: h.reason, since: h.since });
      this.holdsByIp.set(h.ip, list);
    }
  }

  names(): PoolName[] {
    return Object.keys(this.config);
  }

  has(pool: PoolName): boolean {
    return pool in this.config;
  }

  settings(pool: PoolName): PoolConfig {
    const p = this.config[pool];
    if (!p) throw new PoolError(`no pool named "${pool}"`);
    return p;
  }

  ips(pool: PoolName): PoolIp[] {
    return this.settings(pool).ips.map((x) => {
      const s = this.state.get(x.ip);
      const holds = this.holdsByIp.get(x.ip) ?? [];
      const operator = { enabled: s?.enabled ?? true, reason: s?.reason ?? '', changedAt: s?.changedAt ?? null };
      const reasons = [...(operator.enabled ? [] : [operator.reason]), ...holds.map((h) => h.reason)];
      const times = [operator.changedAt ?? 0, ...holds.map((h) => h.since)];
      const changedAt = Math.max(...times) || null;
      return { pool, ip: x.ip, helo: x.helo, enabled: operator.enabled && holds.length === 0, reason: reasons.join('; '), changedAt, holds, operator };
    });
  }

  /** IPs of the pool that may open new connections. */
  inRotation(pool: PoolName): PoolIp[] {
    return this.ips(pool).filter((x) => x.enabled);
  }

  all(): PoolIp[] {
    return this.names().flatMap((p) => this.ips(p));
  }

  private known(ip: string): void {
    if (!this.all().some((x) => x.ip === ip)) throw new PoolError(`${ip} is not an IP of any configured pool`);
  }

  disable(ip: string, reason: string): void {
    this.known(ip);
    this.set(ip, false, reason || 'disabled by operator');
  }

  enable(ip: string, reason = ''): void {
    this.known(ip);
    this.set(ip, true, reason);
  }

  /** Puts (or refreshes the reason of) an automatic hold; the IP leaves rotation. */
  hold(ip: string, source: string, reason: string): void {
    this.known(ip);
    const since = this.holdsByIp.get(ip)?.find((h) => h.source === source)?.since ?? this.clock.now();
    this.db
      .prepare('INSERT INTO pool_ip_holds (ip, source, reason, since) VALUES (?, ?, ?, ?) ON CONFLICT(ip, source) DO UPDATE SET reason = excluded.reason')
      .run(ip, source, reason, since);
    this.refresh();
  }

  /** Removes a hold; returns whether there was one. The IP returns unless something else keeps it out. */
  release(ip: string, source: string): boolean {
    const n = this.db.prepare('DELETE FROM pool_ip_holds WHERE ip = ? AND source = ?').run(ip, source).changes;
    this.refresh();
    return n > 0;
  }

  /** Every IP with its holds (also IPs no longer configured, so stale holds can be released). */
  allHolds(): Map<string, readonly IpHold[]> {
    return new Map(this.holdsByIp);
  }

  /** The pools (by name) that have this IP. */
  poolsOf(ip: string): PoolName[] {
    return this.names().filter((p) => this.settings(p).ips.some((x) => x.ip === ip));
  }

  private set(ip: string, enabled: boolean, reason: string): void {
    const now = this.clock.now();
    this.db
      .prepare(
        `INSERT INTO pool_ip_state (ip, enabled, reason, changed_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(ip) DO UPDATE SET enabled = excluded.enabled, reason = excluded.reason, changed_at = excluded.changed_at`,
      )
      .run(ip, enabled ? 1 : 0, reason, now);
    this.state.set(ip, { enabled, reason, changedAt: now });
  }
}

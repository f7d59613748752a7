/**
 * IP pools: the configured pools and their source IPs, plus each IP's
 * rotation state (in or out, why, since when) kept in the state database so
 * that `outpost pool disable IP` works from the CLI against a running gateway
 * (the engine calls refresh() about once a second) and survives restarts.
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
}

const MIGRATIONS = [
  `CREATE TABLE pool_ip_state (
     ip TEXT PRIMARY KEY,
     enabled INTEGER NOT NULL,
     reason TEXT NOT NULL DEFAULT '',
     changed_at INTEGER NOT NULL
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
      return { pool, ip: x.ip, helo: x.helo, enabled: s?.enabled ?? true, reason: s?.reason ?? '', changedAt: s?.changedAt ?? null };
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

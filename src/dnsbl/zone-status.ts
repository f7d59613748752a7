/**
 * The DNSBL monitor's own health per zone (state.db, `dnsbl_zone_status`):
 * whether the zone's last check worked, and if not, why (self-test failed,
 * query refused with 127.255.255.x, lookups failing). Kept in the database so
 * `outpost pool show` (another process) can tell "not listed" from "not
 * checked".
 */
import type { Clock } from '../core/clock.js';
import { migrate, type Db } from '../db/sqlite.js';

export interface ZoneStatus {
  readonly zone: string;
  readonly ok: boolean;
  /** Why the zone is broken; '' when ok. */
  readonly problem: string;
  /** Since when the zone has been in this state (ok or broken). */
  readonly since: number;
  readonly checkedAt: number;
}

const MIGRATIONS = [
  `CREATE TABLE dnsbl_zone_status (zone TEXT PRIMARY KEY, ok INTEGER NOT NULL, problem TEXT NOT NULL, since INTEGER NOT NULL, checked_at INTEGER NOT NULL);`,
];

export class ZoneStatusStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    migrate(db, 'dnsbl', MIGRATIONS);
  }

  get(zone: string): ZoneStatus | undefined {
    const r = this.db.prepare('SELECT zone, ok, problem, since, checked_at FROM dnsbl_zone_status WHERE zone = ?').get(zone) as
      | { zone: string; ok: number; problem: string; since: number; checked_at: number }
      | undefined;
    return r ? { zone: r.zone, ok: r.ok === 1, problem: r.problem, since: r.since, checkedAt: r.checked_at } : undefined;
  }

  /** Records this cycle's result; returns the previous status (to detect changes). */
  record(zone: string, ok: boolean, problem: string): ZoneStatus | undefined {
    const prev = this.get(zone);
    const now = this.clock.now();
    const since = prev && prev.ok === ok ? prev.since : now;
    this.db
      .prepare('INSERT INTO dnsbl_zone_status (zone, ok, problem, since, checked_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(zone) DO UPDATE SET ok = excluded.ok, problem = excluded.problem, since = excluded.since, checked_at = excluded.checked_at')
      .run(zone, ok ? 1 : 0, problem, since, now);
    return prev;
  }
}

/**
 * Tenant limits in the state database (module `limits`): per-tenant
 * overrides of the configured limits and action, active blocks (until the
 * next UTC day, or until an operator unblocks), and coarse snapshots of the
 * sliding-window counters so that a restart does not reset a tenant's
 * hour and day.
 */
import type { TenantId } from '../core/types.js';
import { migrate, type Db } from '../db/sqlite.js';

const MIGRATIONS = [
  `CREATE TABLE tenant_limits (
     tenant_id TEXT PRIMARY KEY,
     settings TEXT NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE TABLE limit_blocks (
     subject TEXT PRIMARY KEY,
     tenant_id TEXT NOT NULL,
     user TEXT,
     limit_name TEXT NOT NULL,
     count INTEGER NOT NULL,
     max INTEGER NOT NULL,
     since INTEGER NOT NULL,
     until INTEGER,
     reason TEXT NOT NULL
   );
   CREATE INDEX limit_blocks_tenant ON limit_blocks(tenant_id);
   CREATE TABLE limit_counters (
     subject TEXT NOT NULL,
     window TEXT NOT NULL,
     data TEXT NOT NULL,
     saved_at INTEGER NOT NULL,
     PRIMARY KEY (subject, window)
   ) WITHOUT ROWID;`,
];

export type LimitName = 'messagesPerMinute' | 'recipientsPerHour' | 'recipientsPerDay';
export const LIMIT_NAMES: readonly LimitName[] = ['messagesPerMinute', 'recipientsPerHour', 'recipientsPerDay'];
export type LimitAction = 'throttle' | 'block-until-tomorrow' | 'block';
export const LIMIT_ACTIONS: readonly LimitAction[] = ['throttle', 'block-until-tomorrow', 'block'];

/** A tenant's overrides: any subset of the configured keys. */
export interface LimitOverrides {
  readonly tenant?: Partial<Record<LimitName, number>>;
  readonly user?: Partial<Record<LimitName, number>>;
  readonly action?: LimitAction;
}

export interface Block {
  readonly subject: string;
  readonly tenantId: TenantId;
  readonly user: string | null;
  readonly limit: LimitName;
  readonly count: number;
  readonly max: number;
  readonly since: number;
  /** null: until an operator unblocks. */
  readonly until: number | null;
  readonly reason: string;
}

export class LimitStore {
  constructor(private readonly db: Db) {
    migrate(db, 'limits', MIGRATIONS);
  }

  overrides(tenantId: TenantId): LimitOverrides {
    const r = this.db.prepare('SELECT settings FROM tenant_limits WHERE tenant_id = ?').get(tenantId) as { settings: string } | undefined;
    return r ? (JSON.parse(r.settings) as LimitOverrides) : {};
  }

  setOverrides(tenantId: TenantId, o: LimitOverrides, at: number): void {
    this.db
      .prepare('INSERT INTO tenant_limits (tenant_id, settings, updated_at) VALUES (?, ?, ?) ON CONFLICT(tenant_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at')
      .run(tenantId, JSON.stringify(o), at);
  }

  resetOverrides(tenantId: TenantId): boolean {
    return this.db.prepare('DELETE FROM tenant_limits WHERE tenant_id = ?').run(tenantId).changes > 0;
  }

  blocks(): Block[] {
    return (this.db.prepare('SELECT * FROM limit_blocks ORDER BY since').all() as Array<{
      subject: string; tenant_id: string; user: string | null; limit_name: LimitName; count: number; max: number; since: number; until: number | null; reason: string;
    }>).map((r) => ({ subject: r.subject, tenantId: r.tenant_id, user: r.user, limit: r.limit_name, count: r.count, max: r.max, since: r.since, until: r.until, reason: r.reason }));
  }

  addBlock(b: Block): void {
    this.db
      .prepare(`INSERT INTO limit_blocks (subject, tenant_id, user, limit_name, count, max, since, until, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(subject) DO UPDATE SET limit_name = excluded.limit_name, count = excluded.count, max = excluded.max, since = excluded.since, until = excluded.until, reason = excluded.reason`)
      .run(b.subject, b.tenantId, b.user, b.limit, b.count, b.max, b.since, b.until, b.reason);
  }

  /** Lifts the tenant's blocks (all its users' too, or one user's); returns how many. */
  unblock(tenantId: TenantId, user?: string): number {
    return user === undefined
      ? this.db.prepare('DELETE FROM limit_blocks WHERE tenant_id = ?').run(tenantId).changes
      : this.db.prepare('DELETE FROM limit_blocks WHERE tenant_id = ? AND user = ?').run(tenantId, user).changes;
  }

  /** Removes blocks that ended; returns how many. */
  pruneBlocks(now: number): number {
    return this.db.prepare('DELETE FROM limit_blocks WHERE until IS NOT NULL AND until <= ?').run(now).changes;
  }

  saveCounters(rows: ReadonlyArray<{ subject: string; window: string; data: Array<[number, number]> }>, at: number): void {
    const up = this.db.prepare('INSERT INTO limit_counters (subject, window, data, saved_at) VALUES (?, ?, ?, ?) ON CONFLICT(subject, window) DO UPDATE SET data = excluded.data, saved_at = excluded.saved_at');
    const del = this.db.prepare('DELETE FROM limit_counters WHERE subject = ? AND window = ?');
    this.db.transaction(() => {
      for (const r of rows) {
        if (r.data.length === 0) del.run(r.subject, r.window);
        else up.run(r.subject, r.window, JSON.stringify(r.data), at);
      }
    })();
  }

  loadCounters(): Array<{ subject: string; window: string; data: Array<[number, number]> }> {
    return (this.db.prepare('SELECT subject, window, data FROM limit_counters').all() as Array<{ subject: string; window: string; data: string }>).map((r) => ({
      subject: r.subject, window: r.window, data: JSON.parse(r.data) as Array<[number, number]>,
    }));
  }
}

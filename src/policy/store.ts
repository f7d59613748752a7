/**
 * Per-tenant policy overrides in the state database (module `policy`): one
 * row per (tenant, class) that differs from the configured defaults. The
 * gateway reads them through a short cache (CACHE_MS), so a change made by
 * the CLI in another process applies within a few seconds; a change made
 * through this store applies at once.
 */
import type { Clock } from '../core/clock.js';
import type { TenantId, VerdictClass } from '../core/types.js';
import { migrate, type Db } from '../db/sqlite.js';
import { formatAction, parseAction, type PolicyAction, type PolicyOverrides } from './action.js';

const MIGRATIONS = [
  `CREATE TABLE tenant_policy (
     tenant_id TEXT NOT NULL,
     class TEXT NOT NULL,
     action TEXT NOT NULL,
     updated_at INTEGER NOT NULL,
     PRIMARY KEY (tenant_id, class)
   );`,
];

const CACHE_MS = 3000;

export class TenantPolicyStore {
  private readonly cache = new Map<TenantId, { o: PolicyOverrides; until: number }>();
  private readonly sel;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    migrate(db, 'policy', MIGRATIONS);
    this.sel = db.prepare('SELECT class, action FROM tenant_policy WHERE tenant_id = ?');
  }

  /** The tenant's overrides (cached for a few seconds). */
  overrides(tenantId: TenantId): PolicyOverrides {
    const now = this.clock.now();
    const c = this.cache.get(tenantId);
    if (c && c.until > now) return c.o;
    const o: Partial<Record<VerdictClass, PolicyAction>> = {};
    for (const r of this.sel.all(tenantId) as Array<{ class: VerdictClass; action: string }>) o[r.class] = parseAction(r.action);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(tenantId, { o, until: now + CACHE_MS });
    return o;
  }

  set(tenantId: TenantId, cls: VerdictClass, a: PolicyAction): void {
    this.db
      .prepare('INSERT INTO tenant_policy (tenant_id, class, action, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(tenant_id, class) DO UPDATE SET action = excluded.action, updated_at = excluded.updated_at')
      .run(tenantId, cls, formatAction(a), this.clock.now());
    this.cache.delete(tenantId);
  }

  /** Removes one override (or all of the tenant's when cls is absent); returns how many. */
  reset(tenantId: TenantId, cls?: VerdictClass): number {
    this.cache.delete(tenantId);
    return cls
      ? this.db.prepare('DELETE FROM tenant_policy WHERE tenant_id = ? AND class = ?').run(tenantId, cls).changes
      : this.db.prepare('DELETE FROM tenant_policy WHERE tenant_id = ?').run(tenantId).changes;
  }
}

/**
 * Suppression lists, one per tenant, in the state database (table
 * `suppressions`): recipients a tenant's mail must no longer go to because
 * they hard-bounced (5.1.x: the address does not exist), complained, or were
 * added by an operator.
 *
 * Invariants: one row per (tenant, recipient); addresses are stored
 * lower-cased (receivers treat local parts case-insensitively in practice,
 * and a suppression that misses on case is worse than one that over-matches);
 * adding an existing entry keeps the first date and reason. Lookups are one
 * indexed SELECT per recipient (the submission path calls them per message),
 * skipped for a tenant known to have an empty list: that fact is cached for
 * EMPTY_TTL_MS, and forgotten at once when this process adds an entry, so an
 * entry added by another process (the CLI) applies within that time.
 * Limits: no expiry (an operator removes entries); no platform-wide list.
 */
import type { Clock } from '../core/clock.js';
import type { TenantId } from '../core/types.js';
import { migrate, type Db } from '../db/sqlite.js';

const MIGRATIONS = [
  `CREATE TABLE suppressions (
     tenant_id TEXT NOT NULL,
     rcpt TEXT NOT NULL,
     reason TEXT NOT NULL,
     source TEXT NOT NULL,
     message_id TEXT,
     detail TEXT,
     created_at INTEGER NOT NULL,
     PRIMARY KEY (tenant_id, rcpt)
   ) WITHOUT ROWID;`,
];

/** Why a recipient is suppressed. */
export type SuppressionReason = 'hard-bounce' | 'complaint' | 'manual';

export interface Suppression {
  readonly tenantId: TenantId;
  readonly rcpt: string;
  readonly reason: SuppressionReason | string;
  /** Where it came from: delivery, feedback, cli, import. */
  readonly source: string;
  readonly messageId?: string;
  readonly detail?: string;
  readonly createdAt: number;
}

interface Row {
  tenant_id: string;
  rcpt: string;
  reason: string;
  source: string;
  message_id: string | null;
  detail: string | null;
  created_at: number;
}

export function normalizeRcpt(rcpt: string): string {
  return rcpt.trim().replace(/^<(.*)>$/, '$1').toLowerCase();
}

/** How long "this tenant has no suppressions" is believed without asking the database again. */
const EMPTY_TTL_MS = 5_000;

export class SuppressionStore {
  private readonly getStmt;
  private readonly addStmt;
  private readonly anyStmt;
  private readonly emptyUntil = new Map<TenantId, number>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    migrate(db, 'suppression', MIGRATIONS);
    this.getStmt = db.prepare('SELECT * FROM suppressions WHERE tenant_id = ? AND rcpt = ?');
    this.anyStmt = db.prepare('SELECT 1 FROM suppressions WHERE tenant_id = ? LIMIT 1');
    this.addStmt = db.prepare(
      'INSERT INTO suppressions (tenant_id, rcpt, reason, source, message_id, detail, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(tenant_id, rcpt) DO NOTHING',
    );
  }

  /** Adds an entry; returns false when the recipient was already suppressed for the tenant. */
  add(e: { tenantId: TenantId; rcpt: string; reason: string; source: string; messageId?: string; detail?: string; at?: number }): boolean {
    const rcpt = normalizeRcpt(e.rcpt);
    if (!rcpt.includes('@')) throw new Error(`not an address: "${e.rcpt}"`);
    this.emptyUntil.delete(e.tenantId);
    const r = this.addStmt.run(e.tenantId, rcpt, e.reason, e.source, e.messageId ?? null, e.detail?.slice(0, 500) ?? null, e.at ?? this.clock.now());
    return r.changes > 0;
  }

  remove(tenantId: TenantId, rcpt: string): boolean {
    return this.db.prepare('DELETE FROM suppressions WHERE tenant_id = ? AND rcpt = ?').run(tenantId, normalizeRcpt(rcpt)).changes > 0;
  }

  get(tenantId: TenantId, rcpt: string): Suppression | null {
    if (this.knownEmpty(tenantId)) return null;
    const row = this.getStmt.get(tenantId, normalizeRcpt(rcpt)) as Row | undefined;
    return row ? toSuppression(row) : null;
  }

  private knownEmpty(tenantId: TenantId): boolean {
    const now = this.clock.now();
    if ((this.emptyUntil.get(tenantId) ?? 0) > now) return true;
    if (this.anyStmt.get(tenantId) !== undefined) return false;
    if (this.emptyUntil.size > 100_000) this.emptyUntil.clear();
    this.emptyUntil.set(tenantId, now + EMPTY_TTL_MS);
    return true;
  }

  list(tenantId: TenantId): Suppression[] {
    return (this.db.prepare('SELECT * FROM suppressions WHERE tenant_id = ? ORDER BY created_at, rcpt').all(tenantId) as Row[]).map(toSuppression);
  }

  /**
   * A page of the tenant's list in address order after `afterRcpt`: optional
   * exact reason and address prefix (a range on the primary key).
   */
  page(tenantId: TenantId, f: { reason?: string; prefix?: string }, limit: number, afterRcpt?: string): Suppression[] {
    const where = ['tenant_id = ?'];
    const args: Array<string | number> = [tenantId];
    if (f.prefix) {
      const p = f.prefix.toLowerCase();
      where.push('rcpt >= ? AND rcpt < ?');
      args.push(p, p + '\u{10FFFF}');
    }
    if (afterRcpt !== undefined) (where.push('rcpt > ?'), args.push(afterRcpt));
    if (f.reason !== undefined) (where.push('reason = ?'), args.push(f.reason));
    return (this.db.prepare(`SELECT * FROM suppressions WHERE ${where.join(' AND ')} ORDER BY rcpt LIMIT ?`).all(...args, limit) as Row[]).map(toSuppression);
  }

  /** Adds many entries, one transaction per `batch` rows; yields after each {done, added so far}. */
  *addBatches(tenantId: TenantId, rows: ReadonlyArray<{ rcpt: string; reason: string; at: number }>, source: string, batch = 1000): Generator<{ done: number; added: number }> {
    let added = 0;
    for (let i = 0; i < rows.length; i += batch) {
      const part = rows.slice(i, i + batch);
      this.db.transaction(() => {
        for (const r of part) if (this.add({ tenantId, rcpt: r.rcpt, reason: r.reason, source, at: r.at })) added++;
      })();
      yield { done: Math.min(rows.length, i + batch), added };
    }
  }

  count(tenantId: TenantId): number {
    return (this.db.prepare('SELECT count(*) AS n FROM suppressions WHERE tenant_id = ?').get(tenantId) as { n: number }).n;
  }
}

function toSuppression(r: Row): Suppression {
  return {
    tenantId: r.tenant_id, rcpt: r.rcpt, reason: r.reason, source: r.source, createdAt: r.created_at,
    ...(r.message_id ? { messageId: r.message_id } : {}),
    ...(r.detail ? { detail: r.detail } : {}),
  };
}

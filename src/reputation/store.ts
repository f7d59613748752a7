/**
 * The reputation engine's tables in the state database:
 * - reputation_standing: each tenant's standing, since when and why (the truth
 *   that survives restarts; written at every transition);
 * - reputation_history: every transition with its evidence (numbers and
 *   thresholds), who made it (engine or operator) — what the tenant and the
 *   operator are shown later;
 * - reputation_snapshots: the tenant's windows and baseline, saved coarsely
 *   (every reputation.persistEvery and at stop), so figures survive a restart;
 * - reputation_domains: destination domains a tenant has sent to (for the
 *   "never seen before" signal).
 * The CLI writes operator transitions here; the running engine picks them up
 * (history rows it did not write) within a second.
 */
import { migrate, type Db } from '../db/sqlite.js';
import type { TenantId } from '../core/types.js';
import type { TenantStanding } from './signals.js';

const MIGRATIONS = [
  `CREATE TABLE reputation_standing (
     tenant_id TEXT PRIMARY KEY,
     state TEXT NOT NULL,
     since INTEGER NOT NULL,
     reason TEXT NOT NULL DEFAULT '',
     updated_at INTEGER NOT NULL
   );
   CREATE TABLE reputation_history (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     tenant_id TEXT NOT NULL,
     at INTEGER NOT NULL,
     from_state TEXT NOT NULL,
     to_state TEXT NOT NULL,
     trigger TEXT NOT NULL,
     actor TEXT NOT NULL,
     reason TEXT NOT NULL DEFAULT '',
     evidence TEXT NOT NULL DEFAULT '[]'
   );
   CREATE INDEX reputation_history_tenant ON reputation_history(tenant_id, id);
   CREATE TABLE reputation_snapshots (
     tenant_id TEXT PRIMARY KEY,
     data TEXT NOT NULL,
     saved_at INTEGER NOT NULL
   );
   CREATE TABLE reputation_domains (
     tenant_id TEXT NOT NULL,
     domain TEXT NOT NULL,
     first_seen INTEGER NOT NULL,
     PRIMARY KEY (tenant_id, domain)
   ) WITHOUT ROWID;`,
];

export interface StandingRow {
  readonly tenantId: TenantId;
  readonly state: TenantStanding;
  readonly since: number;
  readonly reason: string;
}

export type TransitionTrigger = 'evidence' | 'recovery' | 'reinstate' | 'operator';

export interface HistoryEntry {
  readonly id: number;
  readonly tenantId: TenantId;
  readonly at: number;
  readonly from: TenantStanding;
  readonly to: TenantStanding;
  readonly trigger: TransitionTrigger;
  /** 'engine', or 'operator' for CLI changes. */
  readonly actor: string;
  readonly reason: string;
  readonly evidence: readonly unknown[];
}

interface HistoryRow {
  id: number;
  tenant_id: string;
  at: number;
  from_state: string;
  to_state: string;
  trigger: string;
  actor: string;
  reason: string;
  evidence: string;
}

function toEntry(r: HistoryRow): HistoryEntry {
  let evidence: unknown[] = [];
  try {
    const e = JSON.parse(r.evidence) as unknown;
    if (Array.isArray(e)) evidence = e;
  } catch {
    // stored by us; an unreadable row shows no evidence rather than failing
  }
  return { id: r.id, tenantId: r.tenant_id, at: r.at, from: r.from_state as TenantStanding, to: r.to_state as TenantStanding, trigger: r.trigger as TransitionTrigger, actor: r.actor, reason: r.reason, evidence };
}

export class ReputationStore {
  constructor(private readonly db: Db) {
    migrate(db, 'reputation', MIGRATIONS);
  }

  standings(): StandingRow[] {
    const rows = this.db.prepare('SELECT tenant_id, state, since, reason FROM reputation_standing').all() as Array<{ tenant_id: string; state: string; since: number; reason: string }>;
    return rows.map((r) => ({ tenantId: r.tenant_id, state: r.state as TenantStanding, since: r.since, reason: r.reason }));
  }

  standing(tenantId: TenantId): StandingRow | undefined {
    const r = this.db.prepare('SELECT tenant_id, state, since, reason FROM reputation_standing WHERE tenant_id = ?').get(tenantId) as { tenant_id: string; state: string; since: number; reason: string } | undefined;
    return r ? { tenantId: r.tenant_id, state: r.state as TenantStanding, since: r.since, reason: r.reason } : undefined;
  }

  /** Records a transition: the standing row and a history entry, in one transaction. Returns the entry. */
  transition(e: Omit<HistoryEntry, 'id'>, opts: { resetFigures?: boolean } = {}): HistoryEntry {
    return this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO reputation_standing (tenant_id, state, since, reason, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(tenant_id) DO UPDATE SET state = excluded.state, since = excluded.since, reason = excluded.reason, updated_at = excluded.updated_at')
        .run(e.tenantId, e.to, e.at, e.reason, e.at);
      const info = this.db
        .prepare('INSERT INTO reputation_history (tenant_id, at, from_state, to_state, trigger, actor, reason, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(e.tenantId, e.at, e.from, e.to, e.trigger, e.actor, e.reason, JSON.stringify(e.evidence));
      if (opts.resetFigures) this.db.prepare('DELETE FROM reputation_snapshots WHERE tenant_id = ?').run(e.tenantId);
      return { ...e, id: Number(info.lastInsertRowid) };
    })();
  }

  /** Writes the standing row alone (adopting an operator's change). */
  saveStanding(s: StandingRow, at: number): void {
    this.db
      .prepare('INSERT INTO reputation_standing (tenant_id, state, since, reason, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(tenant_id) DO UPDATE SET state = excluded.state, since = excluded.since, reason = excluded.reason, updated_at = excluded.updated_at')
      .run(s.tenantId, s.state, s.since, s.reason, at);
  }

  /** Entries after `id`, oldest first. */
  historySince(id: number): HistoryEntry[] {
    return (this.db.prepare('SELECT * FROM reputation_history WHERE id > ? ORDER BY id').all(id) as HistoryRow[]).map(toEntry);
  }

  lastHistoryId(): number {
    return (this.db.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM reputation_history').get() as { id: number }).id;
  }

  /** A page of the tenant's transitions, newest first, older than entry `beforeId` (the index serves it). */
  historyPage(tenantId: TenantId, limit: number, beforeId?: number): HistoryEntry[] {
    return (this.db.prepare('SELECT * FROM reputation_history WHERE tenant_id = ? AND id < ? ORDER BY id DESC LIMIT ?').all(tenantId, beforeId ?? Number.MAX_SAFE_INTEGER, limit) as HistoryRow[]).map(toEntry);
  }

  /** The tenant's transitions, newest first. */
  history(tenantId: TenantId, limit = 20): HistoryEntry[] {
    return (this.db.prepare('SELECT * FROM reputation_history WHERE tenant_id = ? ORDER BY id DESC LIMIT ?').all(tenantId, limit) as HistoryRow[]).map(toEntry);
  }

  snapshots(): Map<TenantId, unknown> {
    const out = new Map<TenantId, unknown>();
    for (const r of this.db.prepare('SELECT tenant_id, data FROM reputation_snapshots').all() as Array<{ tenant_id: string; data: string }>) {
      try {
        out.set(r.tenant_id, JSON.parse(r.data));
      } catch {
        // a damaged snapshot only loses coarse figures: start that tenant afresh
      }
    }
    return out;
  }

  snapshot(tenantId: TenantId): unknown {
    const r = this.db.prepare('SELECT data FROM reputation_snapshots WHERE tenant_id = ?').get(tenantId) as { data: string } | undefined;
    if (!r) return undefined;
    try {
      return JSON.parse(r.data) as unknown;
    } catch {
      return undefined;
    }
  }

  /** Saves snapshots and newly seen destination domains in one transaction. */
  save(snaps: ReadonlyArray<{ tenantId: TenantId; data: unknown }>, domains: ReadonlyArray<{ tenantId: TenantId; domain: string; at: number }>, at: number): void {
    const snap = this.db.prepare('INSERT INTO reputation_snapshots (tenant_id, data, saved_at) VALUES (?, ?, ?) ON CONFLICT(tenant_id) DO UPDATE SET data = excluded.data, saved_at = excluded.saved_at');
    const dom = this.db.prepare('INSERT OR IGNORE INTO reputation_domains (tenant_id, domain, first_seen) VALUES (?, ?, ?)');
    this.db.transaction(() => {
      for (const s of snaps) snap.run(s.tenantId, JSON.stringify(s.data), at);
      for (const d of domains) dom.run(d.tenantId, d.domain, d.at);
    })();
  }

  /** The tenant's most recently first-seen destination domains (at most `limit`). */
  knownDomains(tenantId: TenantId, limit: number): string[] {
    return (this.db.prepare('SELECT domain FROM reputation_domains WHERE tenant_id = ? ORDER BY first_seen DESC LIMIT ?').all(tenantId, limit) as Array<{ domain: string }>).map((r) => r.domain);
  }
}

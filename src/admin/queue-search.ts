/**
 * Read-only queries over the spool database for the admin and tenant APIs,
 * the CLI and the metrics sampler: message search with cursor pagination and
 * cheap queue gauges. It uses its own connection (SQLite WAL lets it read
 * beside the spool's writer) and only indexed access paths:
 * - tenant → messages_tenant (tenant_id, received_at)
 * - state → messages_state (state, received_at)
 * - recipient → recipients_rcpt (exact address, case-sensitive as submitted)
 * - destination → jobs_active_dest (domain, pool) over queued/in-flight jobs,
 *   so "destination" means "has mail waiting for that domain".
 * - no filter → the primary key (message ids are time-ordered).
 * Pages are ordered newest first: by (received_at, id) when a tenant or state
 * is given, otherwise by id (≈ arrival order), so no query sorts the history.
 * Limits: SQLite spool only (a PostgreSQL spool would implement the same queries).
 */
import { openSqlite, type Db } from '../db/sqlite.js';
import type { MessageState } from '../core/types.js';

export interface QueueFilter {
  readonly tenantId?: string;
  readonly state?: MessageState;
  readonly rcpt?: string;
  readonly destination?: string;
  /** Only messages received at or after / before (ms). */
  readonly since?: number;
  readonly until?: number;
}

export interface QueueRow {
  readonly id: string;
  readonly tenantId: string;
  readonly source: string;
  readonly state: MessageState;
  readonly receivedAt: number;
  readonly mailFrom: string;
  readonly size: number;
  readonly recipients: number;
  readonly subject: string | null;
}

export type QueueCursor = readonly [number, string];

export interface QueueGauges {
  /** Messages per non-final state and the oldest received time in each (null when none). */
  readonly states: Readonly<Record<string, { count: number; oldest: number | null }>>;
  /** Delivery jobs waiting (queued) and being delivered (inflight). */
  readonly jobsQueued: number;
  readonly jobsInflight: number;
}

const OPEN_STATES = ['incoming', 'processing', 'active', 'quarantined'] as const;

export class QueueSearch {
  private readonly db: Db;

  constructor(spoolFile: string) {
    this.db = openSqlite(spoolFile);
    this.db.pragma('query_only = 1');
  }

  search(f: QueueFilter, limit: number, after?: QueueCursor): QueueRow[] {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (f.tenantId !== undefined) (where.push('m.tenant_id = ?'), args.push(f.tenantId));
    if (f.state !== undefined) (where.push('m.state = ?'), args.push(f.state));
    if (f.rcpt !== undefined) (where.push('m.id IN (SELECT message_id FROM recipients WHERE rcpt = ?)'), args.push(f.rcpt));
    if (f.destination !== undefined) {
      where.push(`m.id IN (SELECT message_id FROM jobs WHERE domain = ? AND state IN ('queued', 'inflight'))`);
      args.push(f.destination.toLowerCase());
    }
    if (f.since !== undefined) (where.push('m.received_at >= ?'), args.push(f.since));
    if (f.until !== undefined) (where.push('m.received_at < ?'), args.push(f.until));
    const byTime = f.tenantId !== undefined || f.state !== undefined;
    if (after && byTime) (where.push('(m.received_at, m.id) < (?, ?)'), args.push(after[0], after[1]));
    else if (after) (where.push('m.id < ?'), args.push(after[1]));
    const sql = `SELECT m.id, m.tenant_id, m.source, m.state, m.received_at, m.mail_from, m.size, m.rcpt_count, m.subject FROM messages m
                 ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY ${byTime ? 'm.received_at DESC, m.id DESC' : 'm.id DESC'} LIMIT ?`;
    const rows = this.db.prepare(sql).all(...args, limit) as Array<{
      id: string; tenant_id: string; source: string; state: MessageState; received_at: number; mail_from: string; size: number; rcpt_count: number; subject: string | null;
    }>;
    return rows.map((r) => ({
      id: r.id, tenantId: r.tenant_id, source: r.source, state: r.state, receivedAt: r.received_at, mailFrom: r.mail_from, size: r.size, recipients: r.rcpt_count, subject: r.subject,
    }));
  }

  /** The tenant of a message, or null when there is no such message (ownership checks). */
  tenantOf(id: string): string | null {
    const r = this.db.prepare('SELECT tenant_id FROM messages WHERE id = ?').get(id) as { tenant_id: string } | undefined;
    return r?.tenant_id ?? null;
  }

  /** Queue depth and age: index range scans over open states only (never the finished history). */
  gauges(): QueueGauges {
    const states: Record<string, { count: number; oldest: number | null }> = {};
    for (const s of OPEN_STATES) {
      const r = this.db.prepare('SELECT COUNT(*) AS n, MIN(received_at) AS oldest FROM messages WHERE state = ?').get(s) as { n: number; oldest: number | null };
      states[s] = { count: r.n, oldest: r.oldest };
    }
    // The partial index jobs_active_dest covers exactly the queued and in-flight jobs.
    const j = this.db.prepare(`SELECT COUNT(*) AS n, COALESCE(SUM(state = 'inflight'), 0) AS i FROM jobs WHERE state IN ('queued', 'inflight')`).get() as { n: number; i: number };
    return { states, jobsQueued: j.n - j.i, jobsInflight: j.i };
  }

  close(): void {
    this.db.close();
  }
}

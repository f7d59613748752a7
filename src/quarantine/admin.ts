/**
 * Operators' quarantine work from the CLI: list, show, release and delete,
 * one by one or in bulk over a filter (tenant, class, age).
 *
 * How the CLI reaches a running gateway's spool: through its own SQLite
 * connection to spool.db (WAL: readers never block the gateway; writers take
 * turns). Each bulk step is one short IMMEDIATE transaction of at most
 * `batch` messages (default 500: a few milliseconds), so the gateway's
 * writer thread waits at most that long for the lock (its busy timeout is
 * 5 s). A release only moves the message back to `incoming` and records who
 * released it (and any forced pool); the gateway's processor picks it up
 * within a second, scans it again and routes it by the current policy — the
 * CLI never routes or scans itself, so a release cannot skip the scan.
 *
 * Bulk operations page by (quarantined at, id) and only touch messages
 * quarantined before the operation started, so a released message that
 * policy quarantines again is not released twice in one run.
 */
import { join } from 'node:path';
import type { Clock } from '../core/clock.js';
import type { MessageId } from '../core/types.js';
import type { Db } from '../db/sqlite.js';
import { openSpoolDb } from '../spool/sqlite/open.js';
import { SqliteQuarantine, type Cursor } from '../spool/sqlite/quarantine.js';
import type { QuarantineFilter, QuarantinedMessage } from './types.js';

export interface BulkProgress {
  readonly done: number;
  readonly total: number;
  readonly elapsedMs: number;
}

export interface BulkOptions {
  readonly batch?: number;
  readonly onProgress?: (p: BulkProgress) => void;
}

export type BulkOp = { readonly op: 'release'; readonly by: string; readonly forcePool?: string } | { readonly op: 'delete'; readonly by: string; readonly why: string };

export class QuarantineAdmin {
  readonly q: SqliteQuarantine;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    this.q = new SqliteQuarantine(db);
  }

  static open(dataDir: string, clock: Clock): QuarantineAdmin {
    return new QuarantineAdmin(openSpoolDb(join(dataDir, 'spool.db')), clock);
  }

  close(): void {
    this.db.close();
  }

  list(f: QuarantineFilter, limit: number, cursor: Cursor | null = null): QuarantinedMessage[] {
    return this.q.list(f, limit, cursor);
  }

  count(f: QuarantineFilter): number {
    return this.q.count(f);
  }

  /** Applies the operation to these ids in one transaction; returns how many were quarantined. */
  apply(ids: readonly MessageId[], op: BulkOp): number {
    const at = this.clock.now();
    return this.db
      .transaction(() => (op.op === 'release' ? this.q.release(ids, at, op.by, op.forcePool) : this.q.delete(ids, at, op.by, op.why)))
      .immediate();
  }

  /** Applies the operation to every message matching the filter, in batches; returns how many. */
  bulk(f: QuarantineFilter, op: BulkOp, o: BulkOptions = {}): { done: number; elapsedMs: number } {
    let last: BulkProgress = { done: 0, total: 0, elapsedMs: 0 };
    for (const p of this.steps(f, op, o.batch ?? 500)) {
      last = p;
      o.onProgress?.(p);
    }
    return { done: last.done, elapsedMs: last.elapsedMs };
  }

  /**
   * bulk() for a server: the same batches, with the event loop free between
   * them (one batch is a few milliseconds of synchronous SQLite work).
   */
  async bulkAsync(f: QuarantineFilter, op: BulkOp, o: BulkOptions = {}): Promise<{ done: number; elapsedMs: number }> {
    let last: BulkProgress = { done: 0, total: 0, elapsedMs: 0 };
    for (const p of this.steps(f, op, o.batch ?? 500)) {
      last = p;
      o.onProgress?.(p);
      await new Promise((r) => setImmediate(r));
    }
    return { done: last.done, elapsedMs: last.elapsedMs };
  }

  /** One transaction per step; yields the progress after each (and once at the start, done 0). */
  private *steps(f: QuarantineFilter, op: BulkOp, batch: number): Generator<BulkProgress> {
    const started = this.clock.now();
    const t0 = performance.now();
    const bounded: QuarantineFilter = { ...f, before: Math.min(f.before ?? started, started) };
    const total = this.q.count(bounded);
    let cursor: Cursor | null = null;
    let done = 0;
    yield { done, total, elapsedMs: performance.now() - t0 };
    for (;;) {
      const page = this.q.page(bounded, batch, cursor);
      if (page.length === 0) break;
      done += this.apply(page.map((p) => p.id), op);
      cursor = page[page.length - 1]!;
      yield { done, total, elapsedMs: performance.now() - t0 };
    }
  }
}

/**
 * Group commit: many writers, one transaction, one fsync.
 *
 * Writes queued in the same turn of the event loop (and any that arrive while
 * a commit is running) are applied together inside one transaction by `flush`,
 * then every caller's promise settles. A group first runs optimistically,
 * every write straight in the transaction (a savepoint per write costs two
 * more statements each, about a fifth of the spool writer's time); if any
 * write throws, that whole transaction is rolled back and the group runs
 * again with each write in its own savepoint, so one failing write (a
 * constraint, a bug) rejects only its caller. Writes must therefore touch
 * only the database (they may run twice; the first run leaves no trace). If
 * the commit itself fails (disk full, I/O error), every write in the group is
 * rejected with that error and nothing is applied.
 *
 * Urgent and deferrable writes: an urgent write (the default; its caller is
 * waiting to answer someone, e.g. the 250 to a client) is committed at the
 * next turn of the event loop. A deferrable one (bookkeeping nobody waits on
 * at once: routing decisions, delivery results, claims) may wait up to
 * `deferMs` for company: it rides along with the next urgent commit, or
 * commits when the window ends. Every commit rewrites the pages it touched
 * (the tail leaves of a dozen tables and indexes, ~10 WAL pages however few
 * rows it holds), so at moderate rates fewer, fuller commits are most of
 * the spool's CPU saving (docs/benchmarks.md, session 6).
 * Limit: the commit itself is synchronous (better-sqlite3), so a very large
 * group blocks the event loop for its duration; maxBatch bounds that.
 */

type Op<T> = { apply: () => T; resolve: (v: T) => void; reject: (e: unknown) => void };
type Result = { ok: true; v: unknown } | { ok: false; e: unknown };

export class GroupCommitter {
  private queue: Op<unknown>[] = [];
  /** A flush is due at the next turn of the event loop (an urgent write is queued). */
  private scheduled = false;
  /** The deferrable writes' window is open. */
  private timer: NodeJS.Timeout | undefined;

  constructor(
    /** Runs fn in a durable transaction (commit = fsync). */
    private readonly transaction: (fn: () => void) => void,
    /** Runs fn in a savepoint inside the open transaction. */
    private readonly savepoint: <T>(fn: () => T) => T,
    /** Whether the group's transaction is still open. */
    private readonly inTransaction: () => boolean,
    private readonly opts: {
      /** Writes per transaction at most (default 2,000). */
      readonly maxBatch?: number;
      /** How long a deferrable write may wait for an urgent one to share its commit (default 0: never waits). */
      readonly deferMs?: number;
    } = {},
  ) {}

  /** Queues `apply` to run inside the next group transaction; `deferrable`: it may wait up to deferMs for company. */
  submit<T>(apply: () => T, deferrable = false): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ apply, resolve, reject } as Op<unknown>);
      if (this.scheduled) return;
      const deferMs = this.opts.deferMs ?? 0;
      if (deferrable && deferMs > 0) {
        this.timer ??= setTimeout(() => this.flush(), deferMs);
        return;
      }
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  /** Runs all queued writes now (used by close and by tests). */
  flush(): void {
    this.scheduled = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.opts.maxBatch ?? 2000);
      let results: Result[] | null;
      try {
        results = this.runOptimistic(batch) ?? this.runIsolated(batch);
      } catch (e) {
        for (const op of batch) op.reject(e);
        continue;
      }
      batch.forEach((op, i) => {
        const r = results![i]!;
        if (r.ok) op.resolve(r.v);
        else op.reject(r.e);
      });
    }
  }

  /** Every write straight in one transaction; null (all rolled back) when one of them threw. */
  private runOptimistic(batch: ReadonlyArray<Op<unknown>>): Result[] | null {
    const results: Result[] = [];
    try {
      this.transaction(() => {
        for (const op of batch) results.push({ ok: true, v: op.apply() });
      });
      return results;
    } catch (e) {
      if (results.length === batch.length) throw e; // every write ran: the commit itself failed
      return null;
    }
  }

  /** Each write in its own savepoint: a failing write rejects only its caller. */
  private runIsolated(batch: ReadonlyArray<Op<unknown>>): Result[] {
    const results: Result[] = [];
    this.transaction(() => {
      for (const op of batch) {
        try {
          results.push({ ok: true, v: this.savepoint(op.apply) });
        } catch (e) {
          // Some errors (SQLITE_FULL, I/O) make SQLite roll back the whole
          // transaction, not just the savepoint: then the group fails as one.
          if (!this.inTransaction()) throw e;
          results.push({ ok: false, e });
        }
      }
    });
    return results;
  }

  get pending(): number {
    return this.queue.length;
  }
}

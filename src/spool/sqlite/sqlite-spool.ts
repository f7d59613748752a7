/**
 * The in-process SQLite spool: every write goes through one GroupCommitter
 * on this thread, so concurrent writes share a commit (one fsync). Reads run
 * on the same connection. Used by the CLI and tests; the gateway uses
 * ThreadedSqliteSpool, which moves the writes (and their fsync) off the
 * event loop. Limits: the commit blocks this thread while it runs.
 */
import type { MessageId, TenantId } from '../../core/types.js';
import type { Db } from '../../db/sqlite.js';
import { GroupCommitter } from '../group-commit.js';
import { SpoolError, type AttemptRecord, type NewMessage, type RouteDecision, type Spool, type SpoolEvent } from '../spool.js';
import { openSpoolDb, toSpoolError, type SpoolDbOptions } from './open.js';
import { SqliteSpoolStore } from './store.js';
import type { SmtpReply } from '../../core/smtp-reply.js';
import type { QuarantineSpool } from '../quarantine.js';

export class SqliteSpool implements Spool, QuarantineSpool {
  private readonly db: Db;
  private readonly store: SqliteSpoolStore;
  private readonly gc: GroupCommitter;
  private closed = false;

  constructor(file: string, opts: SpoolDbOptions = {}) {
    this.db = openSpoolDb(file, opts);
    this.store = new SqliteSpoolStore(this.db);
    const tx = <T>(fn: () => T): T => this.db.transaction(fn)();
    // IMMEDIATE: wait for the write lock (busy timeout) rather than fail when another process writes (see writer-thread.ts).
    this.gc = new GroupCommitter((fn) => this.db.transaction(fn).immediate(), tx, () => this.db.inTransaction);
  }

  private write<T>(fn: (s: SqliteSpoolStore) => T): Promise<T> {
    if (this.closed) return Promise.reject(new SpoolError('spool is closed', 'closed'));
    return this.gc.submit(() => fn(this.store)).catch((e: unknown) => {
      throw toSpoolError(e);
    });
  }

  private async read<T>(fn: (s: SqliteSpoolStore) => T): Promise<T> {
    if (this.closed) throw new SpoolError('spool is closed', 'closed');
    return fn(this.store);
  }

  enqueue(msg: NewMessage, events?: readonly SpoolEvent[]) { return this.write((s) => s.enqueue(msg, events)); }
  claimIncoming(limit: number) { return this.write((s) => s.claimIncoming(limit)); }
  unclaim(id: MessageId, at: number) { return this.write((s) => s.unclaim(id, at)); }
  route(id: MessageId, d: RouteDecision, at: number) { return this.write((s) => void s.route(id, d, at)); }
  claimDue(tenantId: TenantId, now: number, limit: number) { return this.write((s) => s.claimDue(tenantId, now, limit)); }
  recordAttempt(rec: AttemptRecord) { return this.write((s) => void s.recordAttempt(rec)); }
  release(jobIds: readonly number[], nextAt: number) { return this.write((s) => s.release(jobIds, nextAt)); }
  appendEvent(id: MessageId, ev: SpoolEvent, at: number) { return this.write((s) => s.appendEvent(id, ev, at)); }
  retryNow(id: MessageId, at: number) { return this.write((s) => s.retryNow(id, at)); }
  remove(id: MessageId, at: number, why: string) { return this.write((s) => s.remove(id, at, why)); }
  recover() { return this.write((s) => s.recover()); }
  dueTenants(now: number) { return this.read((s) => s.dueTenants(now)); }
  nextDueAt() { return this.read((s) => s.nextDueAt()); }
  readBody(id: MessageId) { return this.read((s) => s.readBody(id)); }
  readRouting(id: MessageId) { return this.read((s) => s.readRouting(id)); }
  getMessage(id: MessageId) { return this.read((s) => s.getMessage(id)); }
  events(id: MessageId) { return this.read((s) => s.events(id)); }
  counts() { return this.read((s) => s.counts()); }
  releaseOf(id: MessageId) { return this.read((s) => s.releaseOf(id)); }
  expireQuarantined(cutoff: number, limit: number, at: number, reply: SmtpReply) { return this.write((s) => s.expireQuarantine(cutoff, limit, at, reply)); }
  cleanReleases(before: number) { return this.write((s) => s.cleanReleases(before)); }

  async close(): Promise<void> {
    if (this.closed) return;
    this.gc.flush();
    this.closed = true;
    this.db.close();
  }
}

/**
 * The gateway's spool: SQLite with the writes on a dedicated writer thread.
 * The event loop never waits for an fsync — it sends the operation, keeps
 * serving SMTP and HTTP, and resolves the caller's promise when the writer
 * reports the commit. Reads (bodies, views, due tenants) use a separate
 * connection on this thread; WAL lets them run beside the writer and they
 * see every commit whose reply has arrived.
 *
 * Another thread checkpoints the WAL (db/checkpointer.ts), so commits never
 * pay for copying pages into the database file: a small thread of its own
 * (checkpoint-thread.ts), or, with `checkpoints: 'hosted'`, whichever thread
 * the caller runs them on (the gateway: the event-store writer).
 *
 * Invariant: a write's promise resolves only after its transaction committed
 * (synchronous=FULL: on disk). If the writer thread dies, every pending and
 * later write fails with SpoolError('io'), so nothing is acknowledged that
 * was not stored.
 */
import { Worker } from 'node:worker_threads';
import type { MessageId, TenantId } from '../../core/types.js';
import { openSqlite, type Db } from '../../db/sqlite.js';
import { SpoolError, type AttemptRecord, type DeliveryJob, type IncomingMessage, type NewMessage, type RouteDecision, type Spool, type SpoolEvent } from '../spool.js';
import type { SpoolDbOptions } from './open.js';
import { BodyCache, RoutingCache } from '../body-cache.js';
import { SqliteSpoolStore } from './store.js';
import type { WriteOp, WriterReply, WriterRequest } from './writer-protocol.js';
import type { SmtpReply } from '../../core/smtp-reply.js';
import type { ExpiredMessage } from '../../quarantine/types.js';
import type { QuarantineSpool } from '../quarantine.js';

type Pending = { resolve: (v: unknown) => void; reject: (e: unknown) => void };

export class ThreadedSqliteSpool implements Spool, QuarantineSpool {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private outbox: WriterRequest[] = [];
  private dead: SpoolError | null = null;
  private closed = false;
  /** Bodies just written, for the processor and the first delivery attempt (dropped after it). */
  private readonly cache = new BodyCache(16 * 1024 * 1024);
  /** Routing just decided (signatures, wire MAIL FROM), for the delivery attempts. */
  private readonly routes = new RoutingCache(4 * 1024 * 1024);

  private constructor(
    private readonly worker: Worker,
    private readonly checkpointer: Worker | null,
    private readonly db: Db,
    private readonly reader: SqliteSpoolStore,
  ) {
    worker.on('message', (batch: WriterReply[]) => {
      for (const r of batch) this.settle(r);
    });
    worker.on('error', (e) => this.fail(new SpoolError(`spool writer thread failed: ${e.message}`, 'io')));
    worker.on('exit', (code) => {
      if (!this.closed) this.fail(new SpoolError(`spool writer thread exited (${code})`, 'io'));
    });
  }

  /** `checkpoints: 'hosted'`: the caller runs db/checkpointer.ts for this file on a thread of its choice. */
  static async open(file: string, opts: SpoolDbOptions & { readonly checkpoints?: 'own-thread' | 'hosted' } = {}): Promise<ThreadedSqliteSpool> {
    // The writer and checkpoint threads keep little JS state: small heaps keep the gateway's memory flat.
    const worker = new Worker(new URL('./writer-thread.js', import.meta.url), {
      workerData: { file, maxBytes: opts.maxBytes ?? 0 },
      resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 256 },
    });
    await new Promise<void>((resolve, reject) => {
      const onMsg = (batch: WriterReply[]): void => {
        const r = batch[0]!;
        if (r.id === 0) {
          worker.off('error', reject);
          if (r.ok) resolve();
          else reject(new SpoolError(r.error.message, 'io'));
        }
      };
      worker.once('message', onMsg);
      worker.once('error', reject);
    });
    const checkpointer = opts.checkpoints === 'hosted' ? null : new Worker(new URL('./checkpoint-thread.js', import.meta.url), {
      workerData: { file },
      resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 32 },
    });
    checkpointer?.unref();
    const db = openSqlite(file);
    return new ThreadedSqliteSpool(worker, checkpointer, db, new SqliteSpoolStore(db));
  }

  private settle(r: WriterReply): void {
    const p = this.pending.get(r.id);
    if (!p) return;
    this.pending.delete(r.id);
    if (r.ok) p.resolve(r.value);
    else if (r.error.kind) p.reject(new SpoolError(r.error.message, r.error.kind as SpoolError['kind']));
    else p.reject(Object.assign(new Error(r.error.message), { name: r.error.name, code: r.error.code }));
  }

  private fail(e: SpoolError): void {
    this.dead ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  private call<T>(op: WriteOp | 'close', args: unknown[]): Promise<T> {
    if (this.closed && op !== 'close') return Promise.reject(new SpoolError('spool is closed', 'closed'));
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      if (this.outbox.length === 0) setImmediate(() => this.flushOutbox()); // after this loop turn's I/O: one post for every session that finished DATA in it
      this.outbox.push({ id, op, args } as WriterRequest);
    });
  }

  private flushOutbox(): void {
    const batch = this.outbox;
    this.outbox = [];
    if (batch.length > 0) this.worker.postMessage(batch);
  }

  private async read<T>(fn: (s: SqliteSpoolStore) => T): Promise<T> {
    if (this.closed) throw new SpoolError('spool is closed', 'closed');
    return fn(this.reader);
  }

  async enqueue(msg: NewMessage, events?: readonly SpoolEvent[]): Promise<void> {
    await this.call<void>('enqueue', [msg, events ?? []]);
    this.cache.set(msg.id, msg.raw);
  }
  claimIncoming(limit: number) { return this.call<IncomingMessage[]>('claimIncoming', [limit]); }
  unclaim(id: MessageId, at: number) { return this.call<boolean>('unclaim', [id, at]); }
  async route(id: MessageId, d: RouteDecision, at: number): Promise<void> {
    this.routed(id, d, await this.call<boolean>('route', [id, d, at]));
  }
  /** Keeps the caches in step with a durable routing decision: only mail about to be delivered stays. */
  private routed(id: MessageId, d: RouteDecision, done: boolean): void {
    if (!done && d.route.kind === 'deliver' && d.wireMailFrom !== undefined) {
      this.routes.set(id, { prefix: d.prefix ?? null, wireMailFrom: d.wireMailFrom });
      return;
    }
    this.routes.delete(id);
    if (done || d.route.kind !== 'deliver') this.cache.delete(id);
  }
  claimDue(tenantId: TenantId, now: number, limit: number) { return this.call<DeliveryJob[]>('claimDue', [tenantId, now, limit]); }
  async recordAttempt(rec: AttemptRecord): Promise<void> {
    const finished = await this.call<boolean>('recordAttempt', [rec]);
    // A deferred message's next try is minutes away (a paused one's, moments): only the latter keeps its body here.
    if (finished || rec.countsAsAttempt) this.cache.delete(rec.messageId);
    if (finished) this.routes.delete(rec.messageId);
  }
  release(jobIds: readonly number[], nextAt: number) { return this.call<void>('release', [jobIds, nextAt]); }
  appendEvent(id: MessageId, ev: SpoolEvent, at: number) { return this.call<void>('appendEvent', [id, ev, at]); }
  retryNow(id: MessageId, at: number) { return this.call<boolean>('retryNow', [id, at]); }
  remove(id: MessageId, at: number, why: string) {
    this.cache.delete(id);
    this.routes.delete(id);
    return this.call<boolean>('remove', [id, at, why]);
  }
  recover() { return this.call<{ messages: number; jobs: number }>('recover', []); }
  dueTenants(now: number) { return this.read((s) => s.dueTenants(now)); }
  nextDueAt() { return this.read((s) => s.nextDueAt()); }
  readBody(id: MessageId) { return this.read((s) => this.cache.get(id) ?? s.readBody(id)); }
  readRouting(id: MessageId) { return this.read((s) => this.routes.get(id) ?? s.readRouting(id)); }
  getMessage(id: MessageId) { return this.read((s) => s.getMessage(id)); }
  events(id: MessageId) { return this.read((s) => s.events(id)); }
  counts() { return this.read((s) => s.counts()); }
  releaseOf(id: MessageId) { return this.read((s) => s.releaseOf(id)); }
  async expireQuarantined(cutoff: number, limit: number, at: number, reply: SmtpReply): Promise<ExpiredMessage[]> {
    const out = await this.call<ExpiredMessage[]>('expireQuarantine', [cutoff, limit, at, reply]);
    return out.map((m) => {
      this.cache.delete(m.id);
      return { ...m, headers: m.headers ? Buffer.from(m.headers.buffer, m.headers.byteOffset, m.headers.byteLength) : null };
    });
  }
  cleanReleases(before: number) { return this.call<number>('cleanReleases', [before]); }

  async close(): Promise<void> {
    if (this.closed) return;
    if (!this.dead) await this.call<void>('close', []).catch(() => undefined);
    this.closed = true;
    this.db.close();
    await this.worker.terminate();
    const checkpointer = this.checkpointer;
    if (!checkpointer) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 2000);
      checkpointer.once('message', () => {
        clearTimeout(t);
        resolve();
      });
      checkpointer.postMessage('close');
    });
    await checkpointer.terminate();
  }
}

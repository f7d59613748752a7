/**
 * The event store: every platform event (events/bus.ts) appended to its own
 * SQLite file, `dataDir/events.db`, indexed by time, tenant, type and message,
 * kept for `events.retention`. This class is the synchronous store; the
 * gateway runs it on a writer thread (store-threaded.ts, store-writer.ts) and
 * the CLI and tests use it directly.
 *
 * The mail path never waits for it: append() only pushes onto an in-memory
 * buffer; a timer writes the buffer in one transaction every
 * `events.flushInterval` (or sooner past 1000 events). The file uses
 * synchronous=NORMAL (WAL): a commit survives a process crash, and the flush
 * on stop() writes whatever is buffered — events buffered at the moment of a
 * crash (at most one flush interval) are the only ones that can be lost.
 * Hooks registered with onCommit() run inside the same transaction with the
 * stored rows (the webhook outbox is written there, so no stored event misses
 * its webhook deliveries).
 * Append-only: rows are never updated; prune() deletes whole old rows in chunks.
 * Each flush also adds the batch to the console's rollup tables (stats/rollup.ts)
 * in the same transaction.
 */
import { join } from 'node:path';
import type { Clock } from '../core/clock.js';
import { migrate, openSqlite, type Db } from '../db/sqlite.js';
import { StatsRollup } from '../stats/rollup.js';
import { STATS_MIGRATIONS } from '../stats/schema.js';
import type { EventType, PlatformEvent } from './bus.js';
import { EVENT_STORE_MIGRATIONS } from './store-schema.js';

export interface StoredEvent extends PlatformEvent {
  readonly id: number;
}

export interface EventFilter {
  readonly tenantId?: string;
  readonly types?: readonly EventType[];
  readonly messageId?: string;
  readonly since?: number;
  readonly until?: number;
}

export interface EventStoreOptions {
  readonly retentionMs: number;
  readonly flushIntervalMs: number;
  /** Called when a flush fails (the events stay buffered for the next try). */
  readonly onError?: (err: unknown) => void;
}

const FLUSH_AT = 1000;
const MAX_BUFFER = 200_000;

export class EventStore {
  readonly db: Db;
  private buffer: PlatformEvent[] = [];
  private readonly hooks: Array<(rows: readonly StoredEvent[]) => void> = [];
  private readonly afterHooks: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  private readonly ins;
  /** The console's per-minute / per-hour counters, written with each flush. */
  readonly rollup: StatsRollup;
  private closed = false;
  /** Events dropped because the buffer overflowed (the disk stalled for a long time). */
  dropped = 0;

  constructor(
    file: string,
    private readonly clock: Clock,
    private readonly o: EventStoreOptions,
  ) {
    this.db = openSqlite(file, 'events', EVENT_STORE_MIGRATIONS);
    this.db.pragma('synchronous = NORMAL');
    migrate(this.db, 'stats', STATS_MIGRATIONS);
    this.rollup = new StatsRollup(this.db);
    this.hooks.push((rows) => this.rollup.add(rows));
    this.ins = this.db.prepare('INSERT INTO events (at, type, tenant_id, message_id, data) VALUES (?, ?, ?, ?, ?)');
  }

  static fileIn(dataDir: string): string {
    return join(dataDir, 'events.db');
  }

  /** Starts the flush and prune timers (the gateway; the CLI only reads). */
  start(): void {
    this.timer = setInterval(() => this.flushSafe(), this.o.flushIntervalMs);
    this.timer.unref();
    this.pruneTimer = setInterval(() => this.prune(), 10 * 60_000);
    this.pruneTimer.unref();
    this.prune();
  }

  /** Runs `hook` inside each flush transaction with the rows just stored. */
  onCommit(hook: (rows: readonly StoredEvent[]) => void): void {
    this.hooks.push(hook);
  }

  /** Runs `hook` after each flush that stored rows (outside the transaction). */
  afterCommit(hook: () => void): void {
    this.afterHooks.push(hook);
  }

  append(e: PlatformEvent): void {
    if (this.closed) return;
    if (this.buffer.length >= MAX_BUFFER) {
      this.buffer.shift();
      this.dropped++;
    }
    this.buffer.push(e);
    if (this.buffer.length >= FLUSH_AT) setImmediate(() => this.flushSafe());
  }

  get buffered(): number {
    return this.buffer.length;
  }

  private flushSafe(): void {
    try {
      this.flush();
    } catch (e) {
      this.o.onError?.(e);
    }
  }

  /** Writes the buffer in one transaction. Returns the number of events stored. */
  flush(): number {
    if (this.buffer.length === 0) return 0;
    const batch = this.buffer;
    this.buffer = [];
    try {
      this.db.transaction(() => {
        const rows: StoredEvent[] = batch.map((e) => {
          const id = Number(this.ins.run(e.at, e.type, e.tenantId ?? null, e.messageId ?? null, JSON.stringify(e.data)).lastInsertRowid);
          return { ...e, id };
        });
        for (const h of this.hooks) h(rows);
      })();
    } catch (e) {
      this.buffer = batch.concat(this.buffer);
      throw e;
    }
    for (const h of this.afterHooks) h();
    return batch.length;
  }

  /** Newest first, or oldest first with `ascending` (polling: pass the last id seen as `afterId`). */
  list(f: EventFilter, limit: number, cursor?: { id: number; ascending: boolean }): StoredEvent[] {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (f.tenantId !== undefined) (where.push('tenant_id = ?'), args.push(f.tenantId));
    if (f.messageId !== undefined) (where.push('message_id = ?'), args.push(f.messageId));
    if (f.types !== undefined && f.types.length > 0) (where.push(`type IN (${f.types.map(() => '?').join(',')})`), args.push(...f.types));
    if (f.since !== undefined) (where.push('at >= ?'), args.push(f.since));
    if (f.until !== undefined) (where.push('at < ?'), args.push(f.until));
    const asc = cursor?.ascending ?? false;
    if (cursor) (where.push(asc ? 'id > ?' : 'id < ?'), args.push(cursor.id));
    const rows = this.db
      .prepare(`SELECT id, at, type, tenant_id, message_id, data FROM events ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id ${asc ? 'ASC' : 'DESC'} LIMIT ?`)
      .all(...args, limit) as Array<{ id: number; at: number; type: EventType; tenant_id: string | null; message_id: string | null; data: string }>;
    return rows.map(toEvent);
  }

  get(id: number): StoredEvent | null {
    const r = this.db.prepare('SELECT id, at, type, tenant_id, message_id, data FROM events WHERE id = ?').get(id) as
      | { id: number; at: number; type: EventType; tenant_id: string | null; message_id: string | null; data: string }
      | undefined;
    return r ? toEvent(r) : null;
  }

  /** Deletes events older than the retention, in chunks (keeps each transaction short). */
  prune(): number {
    const cutoff = this.clock.now() - this.o.retentionMs;
    const del = this.db.prepare('DELETE FROM events WHERE id IN (SELECT id FROM events WHERE at < ? ORDER BY at LIMIT 5000)');
    let total = 0;
    for (;;) {
      const n = del.run(cutoff).changes;
      total += n;
      if (n < 5000) break;
    }
    this.rollup.prune(this.clock.now());
    return total;
  }

  /** Flushes what is buffered and closes the file. */
  close(): void {
    if (this.closed) return;
    if (this.timer) clearInterval(this.timer);
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.flushSafe();
    this.closed = true;
    this.db.close();
  }
}

function toEvent(r: { id: number; at: number; type: EventType; tenant_id: string | null; message_id: string | null; data: string }): StoredEvent {
  return {
    id: r.id, at: r.at, type: r.type,
    ...(r.tenant_id !== null ? { tenantId: r.tenant_id } : {}),
    ...(r.message_id !== null ? { messageId: r.message_id } : {}),
    data: JSON.parse(r.data) as Record<string, unknown>,
  };
}

/** The public JSON form of an event (API responses and webhook bodies). */
export function eventJson(e: StoredEvent): { id: string; type: EventType; createdAt: string; tenantId: string | null; messageId: string | null; data: Readonly<Record<string, unknown>> } {
  return { id: String(e.id), type: e.type, createdAt: new Date(e.at).toISOString(), tenantId: e.tenantId ?? null, messageId: e.messageId ?? null, data: e.data };
}

/**
 * The gateway's event store: append() only pushes onto an in-memory buffer;
 * every `flushIntervalMs` the buffer goes to the writer thread
 * (store-writer.ts) as one batch, stored in one transaction with its webhook
 * outbox rows. Reads (list, get) use a connection on this thread (WAL lets
 * them run beside the writer). close() sends what is buffered and waits for
 * the writer to store it, so a normal stop loses nothing; a crash can lose at
 * most the last flush interval. If the writer fails, batches stay queued in
 * the writer and are retried with the next one; past MAX_BUFFER events
 * waiting here the oldest are dropped (counted in `dropped`).
 */
import { Worker } from 'node:worker_threads';
import type { Clock } from '../core/clock.js';
import type { PlatformEvent } from './bus.js';
import { EventStore, type EventFilter, type StoredEvent } from './store.js';
import type { WriterMessage, WriterReply } from './store-writer.js';

/** What readers of the event log need (API, dispatcher, CLI). */
export interface EventLog {
  list(f: EventFilter, limit: number, cursor?: { id: number; ascending: boolean }): StoredEvent[];
  get(id: number): StoredEvent | null;
}

const MAX_BUFFER = 200_000;

export class ThreadedEventStore implements EventLog {
  private buffer: PlatformEvent[] = [];
  private inWriter = 0;
  private readonly reader: EventStore;
  private readonly worker: Worker;
  private readonly afterHooks: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;
  dropped = 0;

  constructor(
    file: string,
    clock: Clock,
    private readonly o: {
      retentionMs: number;
      flushIntervalMs: number;
      masterKey?: string;
      onError?: (err: unknown) => void;
      /** Another database whose WAL the writer thread checkpoints (db/checkpointer.ts): the gateway's spool. */
      checkpoint?: string;
    },
  ) {
    // Opening here first applies the migrations before the writer starts.
    this.reader = new EventStore(file, clock, { retentionMs: o.retentionMs, flushIntervalMs: o.flushIntervalMs });
    this.worker = new Worker(new URL('./store-writer.js', import.meta.url), {
      workerData: { file, retentionMs: o.retentionMs, ...(o.masterKey ? { masterKey: o.masterKey } : {}), ...(o.checkpoint ? { checkpoint: o.checkpoint } : {}) },
      resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 128 },
    });
    this.worker.on('message', (r: WriterReply) => {
      if (r.kind === 'flushed') {
        this.inWriter = 0;
        if (r.stored > 0) for (const h of this.afterHooks) h();
      } else if (r.kind === 'error') this.o.onError?.(new Error(r.message));
    });
    this.worker.on('error', (e) => this.o.onError?.(e));
  }

  /** The read connection's database (webhook subscriptions and outbox reads/updates). */
  get db(): EventStore['db'] {
    return this.reader.db;
  }

  start(): void {
    this.timer = setInterval(() => this.flush(), this.o.flushIntervalMs);
    this.timer.unref();
    this.pruneTimer = setInterval(() => this.post({ kind: 'prune' }), 10 * 60_000);
    this.pruneTimer.unref();
    this.post({ kind: 'prune' });
  }

  /** Runs after each batch the writer stored (the dispatcher looks for new deliveries). */
  afterCommit(hook: () => void): void {
    this.afterHooks.push(hook);
  }

  /** Tells the writer that webhook subscriptions changed (it matches events against them). */
  subscriptionsChanged(): void {
    this.post({ kind: 'reload' });
  }

  append(e: PlatformEvent): void {
    if (this.closing) return;
    if (this.buffer.length >= MAX_BUFFER) {
      this.buffer.shift();
      this.dropped++;
    }
    this.buffer.push(e);
  }

  get buffered(): number {
    return this.buffer.length + this.inWriter;
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    const events = this.buffer;
    this.buffer = [];
    this.inWriter += events.length;
    // One JSON string crosses to the writer far cheaper than a structured clone of many small objects.
    this.post({ kind: 'batch', json: JSON.stringify(events) });
  }

  private post(m: WriterMessage): void {
    this.worker.postMessage(m);
  }

  list(f: EventFilter, limit: number, cursor?: { id: number; ascending: boolean }): StoredEvent[] {
    return this.reader.list(f, limit, cursor);
  }

  get(id: number): StoredEvent | null {
    return this.reader.get(id);
  }

  /** Stores what is buffered, stops the writer and closes the files. */
  close(): Promise<void> {
    return (this.closing ??= (async () => {
      if (this.timer) clearInterval(this.timer);
      if (this.pruneTimer) clearInterval(this.pruneTimer);
      this.flush();
      await new Promise<void>((resolve) => {
        const done = (): void => resolve();
        this.worker.on('message', (r: WriterReply) => r.kind === 'closed' && done());
        this.worker.once('exit', done);
        this.post({ kind: 'close' });
      });
      await this.worker.terminate();
      this.reader.close();
    })());
  }
}

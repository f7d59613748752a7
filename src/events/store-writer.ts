/**
 * The event store's writer thread (started by store-threaded.ts): owns the
 * writing connection to events.db, stores each batch the main thread sends in
 * one transaction together with its webhook outbox rows, and answers
 * `flushed`. Keeping the inserts (and SQLite's WAL checkpoints) here means the
 * event loop that serves SMTP and HTTP never pays for them. In the gateway it
 * also checkpoints the spool's WAL (workerData.checkpoint, db/checkpointer.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startCheckpointing } from '../db/checkpointer.js';
import { useWriterCache } from '../db/sqlite.js';
import { systemClock } from '../core/clock.js';
import { WebhookStore } from '../webhooks/store.js';
import type { PlatformEvent } from './bus.js';
import { EventStore } from './store.js';
import { nameThisThread } from '../core/thread-name.js';

nameThisThread('outpost-events');

export type WriterMessage =
  | { readonly kind: 'batch'; readonly json: string }
  | { readonly kind: 'reload' }
  | { readonly kind: 'prune' }
  | { readonly kind: 'close' };

export type WriterReply = { readonly kind: 'flushed'; readonly stored: number } | { readonly kind: 'error'; readonly message: string } | { readonly kind: 'closed' };

const { file, retentionMs, masterKey, checkpoint } = workerData as { file: string; retentionMs: number; masterKey?: string; checkpoint?: string };
// The spool's WAL checkpoints run here (one isolate fewer than a thread of their own); this thread's own
// writes wait for a checkpoint's few ms, which nothing on the mail path waits for.
const checkpoints = checkpoint ? startCheckpointing(checkpoint) : null;
const store = new EventStore(file, systemClock, { retentionMs, flushIntervalMs: 0 });
useWriterCache(store.db);
const hooks = new WebhookStore(store.db, systemClock, masterKey);
store.onCommit((rows) => hooks.enqueue(rows));
const port = parentPort!;

port.on('message', (m: WriterMessage) => {
  try {
    if (m.kind === 'batch') {
      for (const e of JSON.parse(m.json) as PlatformEvent[]) store.append(e);
      port.postMessage({ kind: 'flushed', stored: store.flush() } satisfies WriterReply);
    } else if (m.kind === 'reload') hooks.reload();
    else if (m.kind === 'prune') store.prune();
    else {
      checkpoints?.stop();
      store.close();
      port.postMessage({ kind: 'closed' } satisfies WriterReply);
      port.close();
    }
  } catch (e) {
    port.postMessage({ kind: 'error', message: (e as Error).message } satisfies WriterReply);
  }
});

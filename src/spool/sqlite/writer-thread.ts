/**
 * The spool's writer thread: owns the only writing connection, applies write
 * operations sent by ThreadedSqliteSpool in group commits (everything that
 * arrived while the previous commit's fsync ran goes into the next one), and
 * answers each with its result or a serialised error. Runs the migrations
 * before it reports ready.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { useWriterCache } from '../../db/sqlite.js';
import { GroupCommitter } from '../group-commit.js';
import { SpoolError } from '../spool.js';
import { openSpoolDb, toSpoolError } from './open.js';
import { SqliteSpoolStore } from './store.js';
import { DEFERRABLE_OPS, DEFER_MS, WRITE_OPS, type WriteOp, type WriterReply, type WriterRequest } from './writer-protocol.js';
import { nameThisThread } from '../../core/thread-name.js';

nameThisThread('outpost-spool');

const { file, maxBytes } = workerData as { file: string; maxBytes: number };
const port = parentPort!;
const db = openSpoolDb(file, { maxBytes, autoCheckpoint: false });
useWriterCache(db);
const store = new SqliteSpoolStore(db);
const tx = <T>(fn: () => T): T => db.transaction(fn)();
// The group's transaction takes the write lock at BEGIN (IMMEDIATE): a DEFERRED one that read first
// fails at once with SQLITE_BUSY when another connection (the CLI) committed meanwhile, without
// waiting for the busy timeout. IMMEDIATE waits up to busy_timeout for the lock instead.
const immediate = (fn: () => void): void => db.transaction(fn).immediate();
const gc = new GroupCommitter(immediate, tx, () => db.inTransaction, { deferMs: DEFER_MS });

const asBuffer = (u: Uint8Array | undefined | null): Buffer | undefined =>
  u ? (Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength)) : undefined;

/** Structured clone turns Buffers into Uint8Arrays; SQLite wants Buffers for BLOBs. */
function revive(op: WriteOp, args: unknown[]): unknown[] {
  if (op === 'enqueue') {
    const m = args[0] as { raw: Uint8Array };
    return [{ ...m, raw: asBuffer(m.raw) }, args[1]];
  }
  if (op === 'route') {
    const d = args[1] as { prefix?: Uint8Array };
    return [args[0], d.prefix ? { ...d, prefix: asBuffer(d.prefix) } : d, args[2]];
  }
  return args;
}

let outbox: WriterReply[] = [];
function reply(r: WriterReply): void {
  if (outbox.length === 0) setImmediate(flushReplies);
  outbox.push(r);
}
function flushReplies(): void {
  const batch = outbox;
  outbox = [];
  port.postMessage(batch);
}

port.on('message', (batch: WriterRequest[]) => {
  for (const m of batch) handle(m);
});

function handle(m: WriterRequest): void {
  if (m.op === 'close') {
    gc.flush();
    db.close();
    port.postMessage([...outbox.splice(0), { id: m.id, ok: true, value: undefined }]);
    return;
  }
  if (!WRITE_OPS.includes(m.op)) {
    reply({ id: m.id, ok: false, error: { name: 'Error', message: `unknown spool operation ${m.op}` } });
    return;
  }
  const args = revive(m.op, m.args);
  gc.submit(() => (store[m.op] as (...a: unknown[]) => unknown)(...args), DEFERRABLE_OPS.has(m.op)).then(
    (value) => reply({ id: m.id, ok: true, value }),
    (e: unknown) => {
      const err = toSpoolError(e) as Error & { kind?: string; code?: string };
      reply({ id: m.id, ok: false, error: { name: err.name, message: err.message, ...(err instanceof SpoolError ? { kind: err.kind } : {}), ...(err.code ? { code: err.code } : {}) } });
    },
  );
}

reply({ id: 0, ok: true, value: 'ready' });

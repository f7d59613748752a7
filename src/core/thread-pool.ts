/**
 * A pool of worker threads answering requests, for CPU-bound stages that must
 * not run on the event loop (the scanner, the DKIM signer). The worker side
 * is `serveThreadPool` (thread-pool-worker.ts).
 *
 * Invariants: every call settles exactly once; a request goes to the worker
 * with the fewest in flight; requests are posted as one batch per worker per
 * loop turn and answered likewise, so a busy gateway pays one thread message
 * per batch, not per request; a worker that dies is replaced and its
 * in-flight calls reject; after close() every call rejects. Errors cross the
 * thread as { message, code } (ThreadPoolError keeps the code).
 * Limits: requests and answers are structured-cloned (Buffers arrive as
 * Uint8Array); no per-request timeout.
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';

export interface ThreadPool<Req, Res> {
  call(req: Req): Promise<Res>;
  close(): Promise<void>;
}

/** An error thrown in a worker, with the `code` property it had (if a string). */
export class ThreadPoolError extends Error {
  override readonly name = 'ThreadPoolError';
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** The wire format between the pool and its workers. */
export type PoolRequest<Req> = { readonly id: number; readonly req: Req };
export type PoolReply<Res> = { readonly id: number; readonly ok: true; readonly value: Res } | { readonly id: number; readonly ok: false; readonly error: { readonly message: string; readonly code?: string } };

interface Slot<Req, Res> {
  worker: Worker;
  inFlight: Map<number, { resolve: (r: Res) => void; reject: (e: Error) => void }>;
  outbox: Array<PoolRequest<Req>>;
}

export function createThreadPool<Req, Res>(o: { readonly url: URL; readonly workerData: unknown; readonly threads: number; readonly name: string; readonly resourceLimits?: ResourceLimits }): ThreadPool<Req, Res> {
  const slots: Array<Slot<Req, Res>> = [];
  let nextId = 1;
  let closed = false;

  function spawn(index: number): Slot<Req, Res> {
    const worker = new Worker(o.url, { workerData: o.workerData, resourceLimits: o.resourceLimits ?? { maxYoungGenerationSizeMb: 8 } });
    const slot: Slot<Req, Res> = { worker, inFlight: new Map(), outbox: [] };
    worker.on('message', (replies: Array<PoolReply<Res>>) => {
      if (!Array.isArray(replies)) return;
      for (const r of replies) {
        const p = slot.inFlight.get(r.id);
        if (!p) continue;
        slot.inFlight.delete(r.id);
        if (r.ok) p.resolve(r.value);
        else p.reject(new ThreadPoolError(r.error.message, r.error.code));
      }
    });
    const fail = (why: string): void => {
      for (const p of slot.inFlight.values()) p.reject(new ThreadPoolError(why));
      slot.inFlight.clear();
      if (!closed && slots[index] === slot) slots[index] = spawn(index);
    };
    worker.on('error', (err) => fail(`${o.name} worker failed: ${err.message}`));
    worker.on('exit', (code) => fail(`${o.name} worker exited with code ${code}`));
    return slot;
  }
  for (let i = 0; i < o.threads; i++) slots.push(spawn(i));

  function flush(slot: Slot<Req, Res>): void {
    const live = slot.outbox.filter((r) => slot.inFlight.has(r.id)); // the worker may have died meanwhile
    slot.outbox = [];
    if (live.length === 0) return;
    try {
      slot.worker.postMessage(live);
    } catch (err) {
      for (const { id } of live) {
        slot.inFlight.get(id)?.reject(new ThreadPoolError(`cannot reach ${o.name} worker: ${(err as Error).message}`));
        slot.inFlight.delete(id);
      }
    }
  }

  return {
    call(req) {
      if (closed) return Promise.reject(new ThreadPoolError(`${o.name} pool is closed`));
      let best = slots[0]!;
      for (const s of slots) if (s.inFlight.size < best.inFlight.size) best = s;
      const id = nextId++;
      return new Promise<Res>((resolve, reject) => {
        best.inFlight.set(id, { resolve, reject });
        if (best.outbox.length === 0) setImmediate(flush, best);
        best.outbox.push({ id, req });
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all(
        slots.map(async (s) => {
          for (const p of s.inFlight.values()) p.reject(new ThreadPoolError(`${o.name} pool closed`));
          s.inFlight.clear();
          await s.worker.terminate();
        }),
      );
    },
  };
}

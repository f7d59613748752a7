/**
 * The dual DKIM signer on worker threads: the same Signer interface as
 * createSigner, with canonicalisation, body hashing and the private-key
 * operations all done off the event loop. Each worker keeps its own parsed-key
 * cache and signs synchronously (no libuv job set-up per signature), so the
 * gateway's main thread pays one message round trip per message instead of
 * the hashing plus two crypto-job dispatches.
 *
 * Invariants: sign() settles exactly once; requests go to the worker with the
 * fewest in flight, posted as one batch per worker per loop turn (and
 * answered likewise), so a busy gateway pays one thread message per batch; SignError keeps its code across the thread boundary; a
 * worker that dies is replaced and its in-flight requests reject (the
 * processor leaves those messages in the spool; nothing is sent unsigned).
 * Options are checked in the calling thread first, so a bad platform key
 * fails at creation. Limits: the message is copied into the worker
 * (structured clone); tenant private keys travel with each request.
 */
import { Worker } from 'node:worker_threads';
import { systemClock, type Clock } from '../core/clock.js';
import { SignError, type SignErrorCode } from './errors.js';
import { createSigner, type SignRequest, type SignResult, type Signer, type SignerOptions } from './signer.js';

export interface SignerPool extends Signer {
  close(): Promise<void>;
}

export interface SignerPoolOptions extends Omit<SignerOptions, 'syncCrypto'> {
  readonly threads: number;
}

/** What a worker sends back. */
export type WorkerReply =
  | { readonly id: number; readonly result: Omit<SignResult, 'headerPrefix' | 'strippedRaw'> & { readonly headerPrefix: Uint8Array; readonly strippedRaw?: Uint8Array } }
  | { readonly id: number; readonly error: { readonly message: string; readonly code?: SignErrorCode } };

interface Slot {
  worker: Worker;
  inFlight: Map<number, { resolve: (r: SignResult) => void; reject: (e: Error) => void }>;
  /** Requests not yet posted: sent as one message per loop turn. */
  outbox: Array<{ id: number; req: SignRequest }>;
}

const asBuffer = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

export function createSignerPool(opts: SignerPoolOptions): SignerPool {
  const { threads, clock = systemClock, ...rest } = opts;
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new SignError('bad-option', 'signing threads must be an integer in 1..64');
  createSigner(rest); // checks the platform identity and key here, not in a worker
  const workerData: SignerOptions = { ...rest, syncCrypto: true };
  const url = new URL('./worker.js', import.meta.url);
  const slots: Slot[] = [];
  let nextId = 1;
  let closed = false;

  function spawn(index: number): Slot {
    const worker = new Worker(url, { workerData, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
    const slot: Slot = { worker, inFlight: new Map(), outbox: [] };
    worker.on('message', (replies: WorkerReply[]) => {
      for (const m of replies) settle(m);
    });
    const settle = (m: WorkerReply): void => {
      const p = slot.inFlight.get(m.id);
      if (!p) return;
      slot.inFlight.delete(m.id);
      if ('error' in m) p.reject(m.error.code ? new SignError(m.error.code, m.error.message) : new Error(m.error.message));
      else {
        const { headerPrefix, strippedRaw, signatures, tenantAligned } = m.result;
        p.resolve({ headerPrefix: asBuffer(headerPrefix), signatures, tenantAligned, ...(strippedRaw ? { strippedRaw: asBuffer(strippedRaw) } : {}) });
      }
    };
    const fail = (why: string): void => {
      for (const p of slot.inFlight.values()) p.reject(new Error(why));
      slot.inFlight.clear();
      if (!closed && slots[index] === slot) slots[index] = spawn(index);
    };
    worker.on('error', (err) => fail(`signing worker failed: ${err.message}`));
    worker.on('exit', (code) => fail(`signing worker exited with code ${code}`));
    return slot;
  }
  for (let i = 0; i < threads; i++) slots.push(spawn(i));

  function sign(req: SignRequest): Promise<SignResult> {
    if (closed) return Promise.reject(new Error('signer pool is closed'));
    let best = slots[0]!;
    for (const s of slots) if (s.inFlight.size < best.inFlight.size) best = s;
    const id = nextId++;
    return new Promise((resolve, reject) => {
      best.inFlight.set(id, { resolve, reject });
      if (best.outbox.length === 0) setImmediate(flush, best);
      best.outbox.push({ id, req: { ...req, at: req.at ?? clock.now() } });
    });
  }

  function flush(slot: Slot): void {
    const batch = slot.outbox;
    slot.outbox = [];
    if (batch.length === 0 || !slot.inFlight.has(batch[0]!.id)) return; // closed or the worker died meanwhile
    try {
      slot.worker.postMessage(batch);
    } catch (err) {
      for (const { id } of batch) {
        slot.inFlight.get(id)?.reject(err as Error);
        slot.inFlight.delete(id);
      }
    }
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    await Promise.all(
      slots.map(async (s) => {
        for (const p of s.inFlight.values()) p.reject(new Error('signer pool closed'));
        s.inFlight.clear();
        await s.worker.terminate();
      }),
    );
  }
  return { sign, close };
}

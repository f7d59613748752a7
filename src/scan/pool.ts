/**
 * A pool of scanner worker threads, so the gateway's event loop never waits on
 * CPU-bound scanning. Each worker builds its own scanner (own model copy, own
 * caches) from the same structured-cloneable options.
 *
 * Invariants: scan() never rejects; requests go to the worker with the fewest
 * in flight, posted as one batch per worker per loop turn (answers likewise); a worker that dies is replaced and its in-flight requests get a
 * `scanner-error` verdict (class clean: a scanner fault never blocks mail);
 * after close() every scan gets a `scanner-error` verdict. Options are checked
 * (and the model loaded) in the calling thread first, so configuration errors
 * surface at creation, not in a worker.
 * Limits: the raw message is copied into the worker (structured clone).
 */
import { Worker } from 'node:worker_threads';
import type { Verdict } from '../core/types.js';
import { loadModel } from './model-file.js';
import type { ScanContext, ScannerOptions } from './options.js';
import { resolveOptions, ScannerConfigError } from './options.js';
import type { Scanner } from './scanner.js';
import { errorVerdict } from './verdict.js';

export interface ScannerPool extends Scanner {
  close(): Promise<void>;
}

interface Slot {
  worker: Worker;
  inFlight: Map<number, (v: Verdict) => void>;
  /** Requests not yet posted: one thread message per worker per loop turn. */
  outbox: Array<{ id: number; raw: Buffer; ctx: ScanContext }>;
}

export function createScannerPool(options: ScannerOptions & { readonly threads: number }): ScannerPool {
  const { threads, ...scannerOptions } = options;
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new ScannerConfigError('threads must be an integer in 1..64');
  resolveOptions(scannerOptions);
  loadModel(scannerOptions.modelPath);
  const url = new URL('./worker.js', import.meta.url);
  const slots: Slot[] = [];
  let nextId = 1;
  let closed = false;

  function spawn(index: number): Slot {
    const worker = new Worker(url, { workerData: scannerOptions, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
    const slot: Slot = { worker, inFlight: new Map(), outbox: [] };
    worker.on('message', (replies: Array<{ id: number; verdict: Verdict }> | { ready: true }) => {
      if (!Array.isArray(replies)) return;
      for (const m of replies) {
        const done = slot.inFlight.get(m.id);
        slot.inFlight.delete(m.id);
        done?.(m.verdict);
      }
    });
    const fail = (why: string): void => {
      for (const done of slot.inFlight.values()) done(errorVerdict(why));
      slot.inFlight.clear();
      if (!closed && slots[index] === slot) slots[index] = spawn(index);
    };
    worker.on('error', (err) => fail(`scan worker failed: ${err.message}`));
    worker.on('exit', (code) => fail(`scan worker exited with code ${code}`));
    return slot;
  }
  for (let i = 0; i < threads; i++) slots.push(spawn(i));

  function scan(raw: Buffer, ctx: ScanContext): Promise<Verdict> {
    if (closed) return Promise.resolve(errorVerdict('scanner pool is closed'));
    let best = slots[0]!;
    for (const s of slots) if (s.inFlight.size < best.inFlight.size) best = s;
    const id = nextId++;
    return new Promise((resolve) => {
      best.inFlight.set(id, resolve);
      if (best.outbox.length === 0) setImmediate(flush, best);
      best.outbox.push({ id, raw, ctx });
    });
  }

  function flush(slot: Slot): void {
    const batch = slot.outbox;
    slot.outbox = [];
    const live = batch.filter((r) => slot.inFlight.has(r.id)); // the worker may have died meanwhile
    if (live.length === 0) return;
    try {
      slot.worker.postMessage(live);
    } catch (err) {
      for (const { id } of live) {
        slot.inFlight.get(id)?.(errorVerdict(`cannot reach scan worker: ${(err as Error).message}`));
        slot.inFlight.delete(id);
      }
    }
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    await Promise.all(
      slots.map(async (s) => {
        for (const done of s.inFlight.values()) done(errorVerdict('scanner pool closed'));
        s.inFlight.clear();
        await s.worker.terminate();
      }),
    );
  }
  return { scan, close };
}

/**
 * A pool of scanner worker threads (core/thread-pool.ts), so the gateway's
 * event loop never waits on CPU-bound scanning. Each worker builds its own
 * scanner (own model copy, own caches) from the same structured-cloneable
 * options.
 *
 * Invariants: scan() never rejects: a worker fault, a dead worker or a closed
 * pool gives a `scanner-error` verdict (class clean: a scanner fault never
 * blocks mail). Options are checked (and the model loaded) in the calling
 * thread first, so configuration errors surface at creation, not in a worker.
 * Limits: the raw message is copied into the worker (structured clone).
 */
import { createThreadPool } from '../core/thread-pool.js';
import type { Verdict } from '../core/types.js';
import { loadModel } from './model-file.js';
import type { ScanContext, ScannerOptions } from './options.js';
import { resolveOptions, ScannerConfigError } from './options.js';
import type { Scanner } from './scanner.js';
import { errorVerdict } from './verdict.js';

export interface ScannerPool extends Scanner {
  close(): Promise<void>;
}

/** What the pool sends a scan worker (worker.ts). */
export interface ScanRequest {
  readonly raw: Uint8Array;
  readonly ctx: ScanContext;
}

export function createScannerPool(options: ScannerOptions & { readonly threads: number }): ScannerPool {
  const { threads, ...scannerOptions } = options;
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new ScannerConfigError('threads must be an integer in 1..64');
  resolveOptions(scannerOptions);
  loadModel(scannerOptions.modelPath);
  const pool = createThreadPool<ScanRequest, Verdict>({ url: new URL('./worker.js', import.meta.url), workerData: scannerOptions, threads, name: 'scan', resourceLimits: { maxYoungGenerationSizeMb: 4 } });
  return {
    scan: (raw, ctx) => pool.call({ raw, ctx }).catch((e: unknown) => errorVerdict((e as Error).message)),
    close: () => pool.close(),
  };
}

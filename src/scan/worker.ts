/**
 * Worker-thread entry for the scanner pool (pool.ts): builds one scanner from
 * the structured-cloned options in workerData and answers scan requests
 * (core/thread-pool-worker.ts).
 * Invariant: always answers with a verdict — a scanner failure becomes a
 * `scanner-error` verdict here, so mail is never blocked by it.
 */
import { workerData } from 'node:worker_threads';
import { serveThreadPool } from '../core/thread-pool-worker.js';
import type { Verdict } from '../core/types.js';
import type { ScanRequest } from './pool.js';
import type { ScannerOptions } from './options.js';
import { createScanner } from './scanner.js';
import { errorVerdict } from './verdict.js';
import { nameThisThread } from '../core/thread-name.js';

nameThisThread('outpost-scan');

const scanner = createScanner(workerData as ScannerOptions);
serveThreadPool<ScanRequest, Verdict>((req) => {
  const raw = Buffer.from(req.raw.buffer, req.raw.byteOffset, req.raw.byteLength);
  return scanner.scan(raw, req.ctx).catch((e: unknown) => errorVerdict(`scanner failed: ${(e as Error).message}`));
});

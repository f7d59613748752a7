/**
 * Worker-thread entry for the scanner pool (pool.ts): builds one scanner from
 * the structured-cloned options in workerData and answers scan requests.
 *
 * Protocol: in  [{ id, raw: Uint8Array, ctx }, …]   out [{ id, verdict }, …],
 * one answer batch per request batch.
 * Invariant: always answers every request (scan() never rejects).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Verdict } from '../core/types.js';
import type { ScanContext, ScannerOptions } from './options.js';
import { createScanner } from './scanner.js';
import { errorVerdict } from './verdict.js';

interface Request {
  readonly id: number;
  readonly raw: Uint8Array;
  readonly ctx: ScanContext;
}

const port = parentPort;
if (port === null) throw new Error('scan worker must run in a worker thread');
const scanner = createScanner(workerData as ScannerOptions);
function one(req: Request): Promise<{ id: number; verdict: Verdict }> {
  const raw = Buffer.from(req.raw.buffer, req.raw.byteOffset, req.raw.byteLength);
  return scanner.scan(raw, req.ctx).then(
    (verdict) => ({ id: req.id, verdict }),
    (e: unknown) => ({ id: req.id, verdict: errorVerdict(`scanner failed: ${(e as Error).message}`) }),
  );
}

port.on('message', (batch: Request[]) => {
  void Promise.all(batch.map(one)).then((replies) => port.postMessage(replies));
});
port.postMessage({ ready: true });

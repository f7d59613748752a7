/**
 * Worker-thread entry for the scanner pool (pool.ts): builds one scanner from
 * the structured-cloned options in workerData and answers scan requests.
 *
 * Protocol: in  { id, raw: Uint8Array, ctx }   out { id, verdict }.
 * Invariant: always answers every request (scan() never rejects).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ScanContext, ScannerOptions } from './options.js';
import { createScanner } from './scanner.js';

interface Request {
  readonly id: number;
  readonly raw: Uint8Array;
  readonly ctx: ScanContext;
}

const port = parentPort;
if (port === null) throw new Error('scan worker must run in a worker thread');
const scanner = createScanner(workerData as ScannerOptions);
port.on('message', (req: Request) => {
  const raw = Buffer.from(req.raw.buffer, req.raw.byteOffset, req.raw.byteLength);
  void scanner.scan(raw, req.ctx).then((verdict) => port.postMessage({ id: req.id, verdict }));
});
port.postMessage({ ready: true });

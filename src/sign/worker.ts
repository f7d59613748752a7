/**
 * Worker-thread entry for the signer pool (pool.ts): one synchronous-crypto
 * signer built from workerData, answering sign requests
 * (core/thread-pool-worker.ts; a SignError's code travels with it).
 */
import { workerData } from 'node:worker_threads';
import { serveThreadPool } from '../core/thread-pool-worker.js';
import { createSigner, type SignRequest, type SignResult, type SignerOptions } from './signer.js';
import { nameThisThread } from '../core/thread-name.js';

nameThisThread('outpost-sign');

const signer = createSigner(workerData as SignerOptions);
serveThreadPool<SignRequest, SignResult>((req) => {
  const raw = Buffer.from(req.raw.buffer, req.raw.byteOffset, req.raw.byteLength);
  return signer.sign({ ...req, raw });
});

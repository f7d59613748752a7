/**
 * Worker-thread entry for the signer pool (pool.ts): one synchronous-crypto
 * signer built from workerData, answering sign requests in arrival order.
 *
 * Protocol: in { id, req: SignRequest (raw as Uint8Array, at set) }
 *           out WorkerReply — a result, or an error with the SignError code.
 * Invariant: answers every request exactly once.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SignError } from './errors.js';
import type { WorkerReply } from './pool.js';
import { createSigner, type SignRequest, type SignerOptions } from './signer.js';

const port = parentPort;
if (port === null) throw new Error('signing worker must run in a worker thread');
const signer = createSigner(workerData as SignerOptions);

port.on('message', (m: { id: number; req: SignRequest }) => {
  const raw = Buffer.from(m.req.raw.buffer, m.req.raw.byteOffset, m.req.raw.byteLength);
  signer.sign({ ...m.req, raw }).then(
    (r) => port.postMessage({ id: m.id, result: r } satisfies WorkerReply),
    (e: unknown) => {
      const err = e instanceof Error ? e : new Error(String(e));
      port.postMessage({ id: m.id, error: { message: err.message, ...(err instanceof SignError ? { code: err.code } : {}) } } satisfies WorkerReply);
    },
  );
});

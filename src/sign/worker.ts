/**
 * Worker-thread entry for the signer pool (pool.ts): one synchronous-crypto
 * signer built from workerData, answering sign requests in arrival order.
 *
 * Protocol: in  [{ id, req: SignRequest (raw as Uint8Array, at set) }, …]
 *           out [WorkerReply, …] — per request a result, or an error with the
 *           SignError code; one reply batch per request batch.
 * Invariant: answers every request exactly once.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SignError } from './errors.js';
import type { WorkerReply } from './pool.js';
import { createSigner, type SignRequest, type SignerOptions } from './signer.js';

const port = parentPort;
if (port === null) throw new Error('signing worker must run in a worker thread');
const signer = createSigner(workerData as SignerOptions);

function one(m: { id: number; req: SignRequest }): Promise<WorkerReply> {
  const raw = Buffer.from(m.req.raw.buffer, m.req.raw.byteOffset, m.req.raw.byteLength);
  return signer.sign({ ...m.req, raw }).then(
    (result) => ({ id: m.id, result }),
    (e: unknown) => {
      const err = e instanceof Error ? e : new Error(String(e));
      return { id: m.id, error: { message: err.message, ...(err instanceof SignError ? { code: err.code } : {}) } };
    },
  );
}

port.on('message', (batch: Array<{ id: number; req: SignRequest }>) => {
  void Promise.all(batch.map(one)).then((replies) => port.postMessage(replies));
});

/**
 * Worker-thread entry for the stage pool (stage-pool.ts): one scanner and/or
 * one synchronous-crypto signer built from workerData, answering requests to
 * scan, to sign, or to scan and then sign the same message in the same turn
 * (core/thread-pool-worker.ts).
 * Invariants: a scan always yields a verdict (a scanner failure becomes a
 * `scanner-error` verdict); in a scan-then-sign request a skipped or failed
 * signature is simply absent beside the verdict, never instead of it; a
 * sign-only request fails with the SignError (its code crosses the thread).
 */
import { workerData } from 'node:worker_threads';
import { serveThreadPool } from '../core/thread-pool-worker.js';
import { nameThisThread } from '../core/thread-name.js';
import type { Verdict } from '../core/types.js';
import { createScanner } from '../scan/scanner.js';
import { errorVerdict } from '../scan/verdict.js';
import { createSigner } from '../sign/signer.js';
import type { StageReply, StageRequest, StageWorkerData } from './stage-pool.js';

const data = workerData as StageWorkerData;
nameThisThread(data.scanner && data.signer ? 'outpost-stage' : data.signer ? 'outpost-sign' : 'outpost-scan');
const scanner = data.scanner ? createScanner(data.scanner) : undefined;
const signer = data.signer ? createSigner(data.signer) : undefined;

serveThreadPool<StageRequest, StageReply>(async (req) => {
  const raw = Buffer.from(req.raw.buffer, req.raw.byteOffset, req.raw.byteLength);
  let verdict: Verdict | undefined;
  if (req.scan) {
    if (!scanner) return { verdict: errorVerdict('this stage pool does not scan') };
    verdict = await scanner.scan(raw, req.scan).catch((e: unknown) => errorVerdict(`scanner failed: ${(e as Error).message}`));
  }
  if (!req.sign) return { ...(verdict ? { verdict } : {}) };
  if (!signer) throw new Error('this stage pool does not sign');
  if (!verdict) return { signed: await signer.sign({ ...req.sign, raw }) };
  if (req.skipSignFor?.includes(verdict.class)) return { verdict };
  try {
    return { verdict, signed: await signer.sign({ ...req.sign, raw }) };
  } catch {
    return { verdict }; // the caller signs again after routing, and gets the error then
  }
});

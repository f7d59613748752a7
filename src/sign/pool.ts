/**
 * The dual DKIM signer on worker threads (core/thread-pool.ts): the same
 * Signer interface as createSigner, with canonicalisation, body hashing and
 * the private-key operations all done off the event loop. Each worker keeps
 * its own parsed-key cache and signs synchronously (no libuv job set-up per
 * signature), so the gateway's main thread pays a share of one batched thread
 * message per message instead of the hashing plus two crypto-job dispatches.
 *
 * Invariants: sign() settles exactly once; SignError keeps its code across
 * the thread boundary; a worker that dies is replaced and its in-flight
 * requests reject (the processor leaves those messages in the spool; nothing
 * is sent unsigned). Options are checked in the calling thread first, so a
 * bad platform key fails at creation. Limits: the message is copied into the
 * worker (structured clone); tenant private keys travel with each request.
 */
import { systemClock } from '../core/clock.js';
import { createThreadPool, ThreadPoolError } from '../core/thread-pool.js';
import { SignError, type SignErrorCode } from './errors.js';
import { createSigner, type SignRequest, type SignResult, type Signer, type SignerOptions } from './signer.js';

export interface SignerPool extends Signer {
  close(): Promise<void>;
}

export interface SignerPoolOptions extends Omit<SignerOptions, 'syncCrypto'> {
  readonly threads: number;
}

/** A SignResult as it arrives from a worker (Buffers become Uint8Arrays). */
export type WireSignResult = Omit<SignResult, 'headerPrefix' | 'strippedRaw'> & { readonly headerPrefix: Uint8Array; readonly strippedRaw?: Uint8Array };

const asBuffer = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
const SIGN_ERROR_CODES: ReadonlySet<string> = new Set<SignErrorCode>(['bad-key', 'bad-option', 'bad-message', 'sealed-key']);

/** A worker's SignResult with Buffers again. */
export function fromWire(r: WireSignResult): SignResult {
  const { headerPrefix, strippedRaw, signatures, tenantAligned } = r;
  return { headerPrefix: asBuffer(headerPrefix), signatures, tenantAligned, ...(strippedRaw ? { strippedRaw: asBuffer(strippedRaw) } : {}) };
}

/** A signing error from a worker as the SignError it was there (other errors unchanged). */
export function signErrorFrom(e: unknown): unknown {
  if (e instanceof ThreadPoolError && e.code && SIGN_ERROR_CODES.has(e.code)) return new SignError(e.code as SignErrorCode, e.message);
  return e;
}

export function createSignerPool(opts: SignerPoolOptions): SignerPool {
  const { threads, clock = systemClock, ...rest } = opts;
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new SignError('bad-option', 'signing threads must be an integer in 1..64');
  createSigner(rest); // checks the platform identity and key here, not in a worker
  // A signing thread's garbage is a few short-lived strings per message: a small young generation suffices.
  const pool = createThreadPool<SignRequest, WireSignResult>({ url: new URL('./worker.js', import.meta.url), workerData: { ...rest, syncCrypto: true } satisfies SignerOptions, threads, name: 'signing', resourceLimits: { maxYoungGenerationSizeMb: 4 } });
  return {
    async sign(req) {
      try {
        return fromWire(await pool.call({ ...req, at: req.at ?? clock.now() }));
      } catch (e) {
        throw signErrorFrom(e);
      }
    },
    close: () => pool.close(),
  };
}

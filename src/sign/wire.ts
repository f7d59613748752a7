/**
 * Signing results and errors across a worker-thread boundary (the stage pool,
 * pipeline/stage-pool.ts): structured clone turns Buffers into Uint8Arrays
 * and errors into { message, code } (core/thread-pool.ts ThreadPoolError).
 */
import { ThreadPoolError } from '../core/thread-pool.js';
import { SignError, type SignErrorCode } from './errors.js';
import type { SignResult } from './signer.js';

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

/**
 * The processing stage's worker threads: one pool whose workers scan, sign,
 * or scan and then sign the same message in one worker turn. The last is
 * what the gateway uses for tenant mail (sign-ahead.ts): a signature made
 * while the worker is awake for the scan anyway costs one thread hop, one
 * wake-up and one copy of the message fewer than a separate signing pool.
 * Offers the Scanner and Signer interfaces too, for messages that are not
 * scanned (bounces, alerts) or are signed after the fact.
 *
 * Invariants: scan() never rejects (a worker fault, a dead worker or a closed
 * pool gives a `scanner-error` verdict, class clean: a scanner fault never
 * blocks mail); sign() rejects with the worker's SignError;
 * scanThenSign() always yields the verdict, with the signature or null (not
 * signed: skipped for the verdict, or failed — the caller signs again and
 * gets the error then). Options are checked in the calling thread first.
 * Limits: the message is copied into the worker (structured clone); tenant
 * private keys travel with each request.
 */
import { systemClock, type Clock } from '../core/clock.js';
import { createThreadPool } from '../core/thread-pool.js';
import type { Verdict, VerdictClass } from '../core/types.js';
import { loadModel } from '../scan/model-file.js';
import { resolveOptions, type ScanContext, type ScannerOptions } from '../scan/options.js';
import type { Scanner } from '../scan/scanner.js';
import { errorVerdict } from '../scan/verdict.js';
import { fromWire, signErrorFrom, type WireSignResult } from '../sign/wire.js';
import { createSigner, type SignRequest, type SignResult, type Signer, type SignerOptions } from '../sign/signer.js';

/** What a stage worker is built from (structured-cloneable). */
export interface StageWorkerData {
  readonly scanner?: ScannerOptions;
  readonly signer?: SignerOptions;
}

/** A sign request without its message (the request's `raw` carries it once). */
export type SignParams = Omit<SignRequest, 'raw'>;

export interface StageRequest {
  readonly raw: Uint8Array;
  readonly scan?: ScanContext;
  readonly sign?: SignParams;
  /** With scan and sign: verdict classes after which the message is not signed. */
  readonly skipSignFor?: readonly VerdictClass[];
}

export interface StageReply {
  readonly verdict?: Verdict;
  /** Absent after a skipped class or a failed signature (scan then sign). */
  readonly signed?: WireSignResult;
}

export interface StagePool {
  /** Present when the pool was built with scanner options. */
  readonly scanner?: Scanner;
  /** Present when the pool was built with signer options. */
  readonly signer?: Signer;
  /** Scan, then sign unless the verdict's class is in skipSignFor (needs both). */
  scanThenSign(raw: Buffer, ctx: ScanContext, sign: SignParams, skipSignFor: readonly VerdictClass[]): Promise<{ verdict: Verdict; signed: SignResult | null }>;
  close(): Promise<void>;
}

export interface StagePoolOptions {
  readonly threads: number;
  readonly scanner?: ScannerOptions;
  readonly signer?: Omit<SignerOptions, 'syncCrypto' | 'clock'>;
  /** Signing time (t=) of requests that carry none. */
  readonly clock?: Clock;
}

export function createStagePool(o: StagePoolOptions): StagePool {
  if (!Number.isInteger(o.threads) || o.threads < 1 || o.threads > 64) throw new RangeError('stage threads must be an integer in 1..64');
  if (!o.scanner && !o.signer) throw new TypeError('a stage pool needs scanner or signer options');
  const clock = o.clock ?? systemClock;
  // Checked here, not in a worker: scanner options and model, the platform key.
  if (o.scanner) {
    resolveOptions(o.scanner);
    loadModel(o.scanner.modelPath);
  }
  if (o.signer) createSigner(o.signer);
  const workerData: StageWorkerData = { ...(o.scanner ? { scanner: o.scanner } : {}), ...(o.signer ? { signer: { ...o.signer, syncCrypto: true } } : {}) };
  const pool = createThreadPool<StageRequest, StageReply>({ url: new URL('./stage-worker.js', import.meta.url), workerData, threads: o.threads, name: 'stage', resourceLimits: { maxYoungGenerationSizeMb: 4 } });
  const stamped = (p: SignParams): SignParams => ({ ...p, at: p.at ?? clock.now() });

  return {
    ...(o.scanner
      ? {
          scanner: {
            scan: (raw: Buffer, ctx: ScanContext) =>
              pool.call({ raw, scan: ctx }).then(
                (r) => r.verdict ?? errorVerdict('no verdict from the stage worker'),
                (e: unknown) => errorVerdict((e as Error).message),
              ),
          },
        }
      : {}),
    ...(o.signer
      ? {
          signer: {
            async sign(req: SignRequest): Promise<SignResult> {
              const { raw, ...params } = req;
              let r: StageReply;
              try {
                r = await pool.call({ raw, sign: stamped(params) });
              } catch (e) {
                throw signErrorFrom(e);
              }
              if (!r.signed) throw new Error('no signature from the stage worker');
              return fromWire(r.signed);
            },
          },
        }
      : {}),
    async scanThenSign(raw, ctx, sign, skipSignFor) {
      if (!o.scanner || !o.signer) throw new TypeError('scanThenSign needs a pool that scans and signs');
      try {
        const r = await pool.call({ raw, scan: ctx, sign: stamped(sign), skipSignFor });
        return { verdict: r.verdict ?? errorVerdict('no verdict from the stage worker'), signed: r.signed ? fromWire(r.signed) : null };
      } catch (e) {
        return { verdict: errorVerdict((e as Error).message), signed: null };
      }
    },
    close: () => pool.close(),
  };
}

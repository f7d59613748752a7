/**
 * Signing ahead: the signing decider (sign-decider.ts) knows a message's
 * signature request before the route is decided — Feedback-ID, tenant key,
 * CFBL-Feedback-ID depend on the message alone — so it registers it here,
 * and the scan the policy decider runs next signs the message in the same
 * worker turn (stage-pool.ts scanThenSign). When the route is `deliver` the
 * decider uses that signature; otherwise it is thrown away.
 *
 * Invariants: a signature is only ever used for the message bytes it was
 * made over (the scan must be handed the very Buffer that was registered,
 * else it scans without signing); nothing here rejects — a skipped or failed
 * signature is `null`, and the decider signs again (getting the error, if
 * any, then). Tickets are per message and per decision: closing one removes
 * it, and a scan finishing after that writes to the closed ticket only.
 * Limits: verdicts in skipSignFor (default: spam) are not signed ahead —
 * that mail is rarely delivered, and a flood of it must not cost RSA time;
 * if policy does deliver it, it is signed after routing as before.
 */
import type { VerdictClass, Verdict } from '../core/types.js';
import type { ScanContext } from '../scan/options.js';
import type { SignRequest, SignResult } from '../sign/signer.js';
import type { StagePool } from './stage-pool.js';

export interface SignAheadTicket {
  /** The signature made with the scan; null until then, or when none was made. */
  readonly result: SignResult | null;
  /** Ends the registration (call once the route is decided). */
  close(): void;
}

export interface SignAhead {
  /** Registers a message's sign request for the scan that follows. */
  expect(messageId: string, req: SignRequest): SignAheadTicket;
  /** The scan function for the policy decider: scans, and signs a registered message in the same turn. */
  scan(raw: Buffer, ctx: ScanContext): Promise<Verdict>;
}

interface Ticket extends SignAheadTicket {
  result: SignResult | null;
  readonly req: SignRequest;
}

export function createSignAhead(pool: Pick<StagePool, 'scanner' | 'scanThenSign'>, skipSignFor: readonly VerdictClass[] = ['spam']): SignAhead {
  const scanner = pool.scanner;
  if (!scanner) throw new Error('signing ahead needs a stage pool that scans');
  const open = new Map<string, Ticket>();
  return {
    expect(messageId, req) {
      const t: Ticket = {
        req,
        result: null,
        close: () => {
          if (open.get(messageId) === t) open.delete(messageId);
        },
      };
      open.set(messageId, t);
      return t;
    },
    async scan(raw, ctx) {
      const t = ctx.messageId === undefined ? undefined : open.get(ctx.messageId);
      if (!t || t.req.raw !== raw) return scanner.scan(raw, ctx);
      const { raw: _same, ...params } = t.req;
      const r = await pool.scanThenSign(raw, ctx, params, skipSignFor);
      t.result = r.signed;
      return r.verdict;
    },
  };
}

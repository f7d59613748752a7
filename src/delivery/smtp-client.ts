/**
 * Outbound SMTP client for the delivery engine: one connection from a chosen
 * source IP (pool IP + its EHLO name) to one next hop, carrying any number of
 * mail transactions in turn, with per-recipient results.
 *
 * Hand-written rather than nodemailer's SMTPConnection because that one does
 * not pipeline (RFC 2920) and does not give per-recipient control (it stops
 * or merges results where the scheduler needs each RCPT reply, the DATA
 * outcome and which failures were local). The hot path (dot-stuffing, reply
 * parsing) works on Buffers without per-line string conversions.
 *
 *   const s = await openSmtpSession({ host: '192.0.2.10', port: 25, localAddress: poolIp,
 *     helo: 'out1.example.net', tls: { mode: 'opportunistic', verify: false } });
 *   const r = await s.send({ mailFrom: 'bounces+x@example.net', rcptTo: ['a@dest.test'], body: [raw] });
 *   r.rcpts[0].final   // 2xx delivered, 4xx retry later, 5xx failed
 *   if (s.usable) ...reuse... else s.close();
 *   await s.quit();
 *
 * Invariants: openSmtpSession either resolves with a ready session (greeting
 * 220, EHLO/HELO done, TLS as the policy asks) or rejects with
 * SmtpConnectError. send() resolves for anything the server or network does
 * (see TransactionResult); it throws only for misuse: an unusable or busy
 * session, no recipients, or addresses with control characters or angle
 * brackets (which would allow command injection). One transaction at a time.
 *
 * Known limits: see the files under smtp-client/ (no CHUNKING, DSN or
 * REQUIRETLS; no 8-bit to 7-bit conversion; IPv6 untested).
 */
import type { SmtpReply } from '../core/smtp-reply.js';
import { handshake } from './smtp-client/handshake.js';
import { checkAddress, runTransaction } from './smtp-client/transaction.js';
import {
  SmtpSessionError,
  type SmtpClientOptions,
  type SmtpSession,
  type SmtpTimeouts,
  type TlsInfo,
  type TransactionInput,
  type TransactionResult,
} from './smtp-client/types.js';
import type { Wire } from './smtp-client/wire.js';

export {
  SmtpConnectError,
  SmtpSessionError,
  type RecipientOutcome,
  type SmtpClientOptions,
  type SmtpFailure,
  type SmtpFailureKind,
  type SmtpPhase,
  type SmtpSession,
  type SmtpTimeouts,
  type TlsInfo,
  type TlsMode,
  type TransactionInput,
  type TransactionResult,
} from './smtp-client/types.js';

/** RFC 5321 §4.5.3.2-inspired defaults (the RFC's minimums; greeting and commands 5 min, end of data 10 min). */
export const defaultSmtpTimeouts: SmtpTimeouts = {
  connectMs: 30_000,
  greetingMs: 300_000,
  commandMs: 300_000,
  dataMs: 600_000,
};

/** How long quit() waits for the 221 at most. */
const QUIT_WAIT_MS = 10_000;

export async function openSmtpSession(opts: SmtpClientOptions): Promise<SmtpSession> {
  const t: SmtpTimeouts = { ...defaultSmtpTimeouts, ...opts.timeouts };
  const hs = await handshake(opts, t);
  return new Session(hs.wire, hs.greeting, hs.ehlo.extensions, hs.ehlo.sizeLimit, hs.tlsInfo, t);
}

class Session implements SmtpSession {
  readonly remoteAddress: string;
  readonly localAddress: string;
  readonly tls: boolean;
  readonly sizeLimit?: number;
  readonly tlsInfo?: TlsInfo;
  private busy = false;
  private closed = false;

  constructor(
    private readonly wire: Wire,
    readonly greeting: SmtpReply,
    readonly extensions: ReadonlySet<string>,
    sizeLimit: number | undefined,
    tlsInfo: TlsInfo | undefined,
    private readonly t: SmtpTimeouts,
  ) {
    this.remoteAddress = wire.remoteAddress;
    this.localAddress = wire.localAddress;
    this.tls = tlsInfo !== undefined;
    if (tlsInfo) this.tlsInfo = tlsInfo;
    if (sizeLimit !== undefined) this.sizeLimit = sizeLimit;
  }

  get usable(): boolean {
    if (this.closed || this.wire.failed) return false;
    if (!this.busy && this.wire.hasUnread) {
      // An unsolicited reply between transactions (typically 421 before a close) would be taken
      // for the reply to the next command: the connection is out of step, give it up.
      this.wire.fail('protocol', 'unsolicited reply from the server between transactions');
      return false;
    }
    return true;
  }

  async send(tx: TransactionInput): Promise<TransactionResult> {
    if (tx.rcptTo.length === 0) throw new TypeError('send() needs at least one recipient');
    checkAddress(tx.mailFrom, 'MAIL FROM address');
    for (const r of tx.rcptTo) checkAddress(r, 'RCPT TO address');
    if (this.busy) throw new SmtpSessionError('mail', 'protocol', 'a transaction is already running on this session');
    if (!this.usable) throw new SmtpSessionError('mail', 'closed', 'session is not usable');
    this.busy = true;
    try {
      return await runTransaction(this.wire, this.extensions, tx, this.t);
    } finally {
      this.busy = false;
    }
  }

  async quit(): Promise<void> {
    if (this.busy || !this.usable) {
      // quit() during a transaction aborts it (the pending send() resolves with a local failure)
      this.close();
      return;
    }
    this.closed = true;
    this.wire.write('QUIT\r\n');
    try {
      await this.wire.read('quit', Math.min(this.t.commandMs, QUIT_WAIT_MS));
    } catch {
      // a missing 221 changes nothing
    }
    this.wire.end();
  }

  close(): void {
    this.closed = true;
    this.wire.fail('closed', 'closed by the client');
  }
}

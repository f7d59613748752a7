/**
 * Public types of the outbound SMTP client (see ../smtp-client.ts), and the
 * typed errors it throws.
 *
 * Invariants: a TransactionResult always has one entry per requested
 * recipient, in request order, each with a `final` reply that says what this
 * attempt did for that recipient (2xx delivered, 4xx try again, 5xx failed).
 * Replies the client made up itself (connection lost, timeout, SMTPUTF8 not
 * offered) are marked by `local: true` on the entry and by `failure` on the
 * result; everything else is exactly what the remote server said.
 */
import type { SmtpReply } from '../../core/smtp-reply.js';

export type TlsMode = 'opportunistic' | 'required' | 'none';

export interface SmtpTimeouts {
  /** TCP connect. Default 30 s. */
  readonly connectMs: number;
  /** Waiting for the 220 greeting. Default 5 min (RFC 5321 §4.5.3.2.1). */
  readonly greetingMs: number;
  /** Any command reply: EHLO, STARTTLS (and the handshake), MAIL, RCPT, DATA, RSET, QUIT. Default 5 min. */
  readonly commandMs: number;
  /** From the end of the body to the final reply. Default 10 min (RFC 5321 §4.5.3.2.6). */
  readonly dataMs: number;
}

export interface SmtpClientOptions {
  /** Next hop: an MX host's IP (preferred: the caller resolves with its own resolver) or name. */
  readonly host: string;
  readonly port: number;
  /** Source IP to bind (a pool IP). */
  readonly localAddress?: string;
  /** EHLO name for that source IP. */
  readonly helo: string;
  readonly tls: {
    readonly mode: TlsMode;
    /** Reject certificates that do not verify (chain and name: servername, else host). */
    readonly verify: boolean;
    /** SNI and the name to verify; defaults to `host` when it is a name. */
    readonly servername?: string;
    /** Extra trusted CA certificates (PEM), for private relays and tests. */
    readonly ca?: string | Buffer | ReadonlyArray<string | Buffer>;
  };
  readonly timeouts?: Partial<SmtpTimeouts>;
}

/** Where in the conversation something happened. 'data-end' is everything after the 354: body and final reply. */
export type SmtpPhase =
  | 'connect'
  | 'greeting'
  | 'ehlo'
  | 'helo'
  | 'starttls'
  | 'tls'
  | 'mail'
  | 'rcpt'
  | 'data'
  | 'data-end'
  | 'rset'
  | 'quit';

/** Why a conversation stopped without a remote reply. */
export type SmtpFailureKind = 'timeout' | 'closed' | 'network' | 'protocol' | 'tls' | 'unsupported';

/** A failure as plain data (for events): which phase, what kind, a human message. */
export interface SmtpFailure {
  readonly phase: SmtpPhase;
  readonly kind: SmtpFailureKind;
  readonly message: string;
}

export interface TransactionInput {
  /** Envelope sender; '' sends the null sender `MAIL FROM:<>`. */
  readonly mailFrom: string;
  readonly rcptTo: readonly string[];
  /** Raw RFC 5322 bytes with CRLF line endings; chunks are sent one after the other. */
  readonly body: readonly Buffer[];
  /** Size to declare with SIZE=; defaults to the sum of chunk lengths. */
  readonly size?: number;
}

export interface RecipientOutcome {
  readonly rcpt: string;
  /** The RCPT reply; when MAIL was refused or the session ended first, the reply that stopped the transaction. */
  readonly reply: SmtpReply;
  /** What this attempt did for this recipient: the RCPT reply if it was not 2xx, else the DATA outcome. */
  readonly final: SmtpReply;
  /** True when `final` was made up by the client (no remote reply). */
  readonly local: boolean;
}

export interface TransactionResult {
  readonly mailFrom: SmtpReply;
  readonly rcpts: readonly RecipientOutcome[];
  /** Reply to DATA (if refused) or to the end of data; absent when DATA was not attempted. */
  readonly data?: SmtpReply;
  /** Set when the transaction ended without a remote reply (timeout, lost connection, local refusal). */
  readonly failure?: SmtpFailure;
}

export interface TlsInfo {
  readonly protocol: string;
  readonly cipher: string;
  /** Whether the peer certificate verified against the system CAs and the server name. */
  readonly authorized: boolean;
}

export interface SmtpSession {
  readonly greeting: SmtpReply;
  /** EHLO keywords in upper case (empty after a HELO fallback). */
  readonly extensions: ReadonlySet<string>;
  /** SIZE limit the server advertised (0 or absent: none). */
  readonly sizeLimit?: number;
  readonly tls: boolean;
  readonly tlsInfo?: TlsInfo;
  readonly remoteAddress: string;
  readonly localAddress: string;
  /** One mail transaction. Never rejects for remote or network trouble: see TransactionResult. */
  send(tx: TransactionInput): Promise<TransactionResult>;
  /** False after a 421, a timeout, a lost connection, quit() or close(). */
  readonly usable: boolean;
  /** Polite QUIT (bounded wait), then closes. Never rejects. */
  quit(): Promise<void>;
  /** Closes the socket at once. */
  close(): void;
}

/** Connection-level failure before a session existed; `reply` is set when the server said something (e.g. 421/554 greeting). */
export class SmtpConnectError extends Error {
  readonly phase: SmtpPhase;
  readonly kind: SmtpFailureKind | 'reply';
  readonly reply?: SmtpReply;
  constructor(phase: SmtpPhase, kind: SmtpFailureKind | 'reply', message: string, reply?: SmtpReply, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'SmtpConnectError';
    this.phase = phase;
    this.kind = kind;
    if (reply) this.reply = reply;
  }
}

/** Transport failure inside a session, or misuse of a session (send on an unusable or busy session). */
export class SmtpSessionError extends Error {
  readonly phase: SmtpPhase;
  readonly kind: SmtpFailureKind;
  constructor(phase: SmtpPhase, kind: SmtpFailureKind, message: string) {
    super(message);
    this.name = 'SmtpSessionError';
    this.phase = phase;
    this.kind = kind;
  }
  toFailure(): SmtpFailure {
    return { phase: this.phase, kind: this.kind, message: this.message };
  }
}

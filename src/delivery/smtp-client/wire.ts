/**
 * The client end of one SMTP connection: writes commands, hands out server
 * replies in order, and owns the socket (plain, then TLS after STARTTLS).
 *
 * Invariants: at most one `read` is outstanding (replies are consumed in the
 * order they arrive, which is the order the commands were sent, pipelined or
 * not). Replies that arrived before a failure are still handed out; after the
 * last of them every read rejects with SmtpSessionError. A timeout, protocol
 * error or socket error ends the connection for good (`failed` is set and the
 * socket destroyed): SMTP cannot resynchronise. Replies not yet read are
 * bounded in bytes (`maxQueuedBytes`); a server that floods is a protocol
 * error. Before a TLS upgrade no unread plaintext may be pending (a reply
 * injected before the handshake would otherwise be read as if it came over
 * TLS).
 *
 * Known limits: a write that the kernel does not accept is not timed by
 * itself; it shows up as a timeout of the next read.
 */
import type { Socket } from 'node:net';
import tls from 'node:tls';
import { ReplyProtocolError, ReplyReader, defaultReplyLimits, type RawReply, type ReplyLimits } from './reply-reader.js';
import { SmtpSessionError, type SmtpFailureKind, type SmtpPhase, type TlsInfo } from './types.js';

interface Waiter {
  phase: SmtpPhase;
  resolve: (r: RawReply) => void;
  reject: (e: SmtpSessionError) => void;
  timer: NodeJS.Timeout;
}

const noop = (): void => {};

export class Wire {
  private socket: Socket;
  /** The TCP socket under any TLS layer; destroyed with it. */
  private readonly tcp: Socket;
  private readonly reader: ReplyReader;
  private readonly maxQueuedBytes: number;
  private queue: RawReply[] = [];
  private queueHead = 0;
  private queuedBytes = 0;
  private waiter: Waiter | null = null;
  private failure: { kind: SmtpFailureKind; message: string } | null = null;
  private readonly scratch: RawReply[] = [];
  private readonly onData = (chunk: Buffer): void => this.data(chunk);
  private readonly onEnd = (): void => this.fail('closed', 'connection closed by the server');
  private readonly onClose = (): void => this.fail('closed', 'connection closed');
  private readonly onError = (err: Error): void => this.fail('network', err.message);

  constructor(socket: Socket, limits: ReplyLimits = defaultReplyLimits, maxQueuedBytes = 1 << 20) {
    this.socket = socket;
    this.tcp = socket;
    this.reader = new ReplyReader(limits);
    this.maxQueuedBytes = maxQueuedBytes;
    this.attach(socket);
  }

  /** True once the connection is unusable (failed, closed, destroyed). */
  get failed(): boolean {
    return this.failure !== null;
  }

  /** True when the server sent replies nobody asked for yet (unsolicited, e.g. a 421 before closing). */
  get hasUnread(): boolean {
    return this.queueHead < this.queue.length || this.reader.pending;
  }

  get remoteAddress(): string {
    return this.socket.remoteAddress ?? '';
  }

  get localAddress(): string {
    return this.socket.localAddress ?? '';
  }

  write(text: string): void {
    if (this.failure || this.socket.destroyed) return;
    this.socket.write(text, 'utf8');
  }

  /** Writes a command string and buffers in one go (a single writev where the stream allows). */
  writeAll(head: string | null, parts: readonly Buffer[]): void {
    if (this.failure || this.socket.destroyed) return;
    const s = this.socket;
    s.cork();
    if (head) s.write(head, 'utf8');
    for (const p of parts) s.write(p);
    s.uncork();
  }

  /** The next reply, or SmtpSessionError(phase) on timeout / loss of the connection / bad data. */
  read(phase: SmtpPhase, timeoutMs: number): Promise<RawReply> {
    if (this.queueHead < this.queue.length) return Promise.resolve(this.shift());
    if (this.failure) return Promise.reject(new SmtpSessionError(phase, this.failure.kind, this.failure.message));
    if (this.waiter) return Promise.reject(new SmtpSessionError(phase, 'protocol', 'concurrent reads on one connection'));
    return new Promise<RawReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail('timeout', `no reply within ${timeoutMs} ms`);
      }, timeoutMs);
      this.waiter = { phase, resolve, reject, timer };
    });
  }

  /** Upgrades to TLS after a 220 reply to STARTTLS. Throws SmtpSessionError('tls'). */
  async startTls(opts: {
    host: string;
    servername?: string;
    verify: boolean;
    ca?: string | Buffer | ReadonlyArray<string | Buffer>;
    timeoutMs: number;
  }): Promise<TlsInfo> {
    if (this.reader.pending || this.queueHead < this.queue.length) {
      const msg = 'server sent data after its STARTTLS reply';
      this.fail('protocol', msg);
      throw new SmtpSessionError('tls', 'protocol', msg);
    }
    const raw = this.socket;
    this.detach(raw);
    raw.on('error', noop);
    const secure = tls.connect({
      socket: raw,
      host: opts.servername ?? opts.host,
      rejectUnauthorized: opts.verify,
      ...(opts.servername ? { servername: opts.servername } : {}),
      ...(opts.ca ? { ca: opts.ca as string | Buffer | Array<string | Buffer> } : {}),
    });
    this.socket = secure;
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`TLS handshake not done within ${opts.timeoutMs} ms`)), opts.timeoutMs);
        secure.once('secureConnect', () => {
          clearTimeout(timer);
          resolve();
        });
        secure.once('error', (e: Error) => {
          clearTimeout(timer);
          reject(e);
        });
        secure.once('close', () => {
          clearTimeout(timer);
          reject(new Error('connection closed during the TLS handshake'));
        });
      });
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      secure.on('error', noop);
      this.fail('tls', msg);
      throw new SmtpSessionError('tls', 'tls', msg);
    }
    this.attach(secure);
    secure.setNoDelay(true);
    const cipher = secure.getCipher();
    return { protocol: secure.getProtocol() ?? '', cipher: cipher?.name ?? '', authorized: secure.authorized };
  }

  /** Ends the connection for good; pending and later reads reject with this reason. */
  fail(kind: SmtpFailureKind, message: string): void {
    if (!this.failure) this.failure = { kind, message };
    this.socket.destroy();
    this.tcp.destroy();
    const w = this.waiter;
    if (w && this.queueHead >= this.queue.length) {
      this.waiter = null;
      clearTimeout(w.timer);
      w.reject(new SmtpSessionError(w.phase, this.failure.kind, this.failure.message));
    }
  }

  /** Half-closes after flushing (used after QUIT or a refused greeting). */
  end(): void {
    if (!this.failure) this.failure = { kind: 'closed', message: 'connection closed by the client' };
    this.socket.end();
    const t = setTimeout(() => this.socket.destroy(), 2000);
    t.unref();
    this.socket.once('close', () => clearTimeout(t));
  }

  private attach(s: Socket): void {
    s.on('data', this.onData);
    s.on('end', this.onEnd);
    s.on('close', this.onClose);
    s.on('error', this.onError);
  }

  private detach(s: Socket): void {
    s.off('data', this.onData);
    s.off('end', this.onEnd);
    s.off('close', this.onClose);
    s.off('error', this.onError);
  }

  private data(chunk: Buffer): void {
    if (this.failure) return;
    const out = this.scratch;
    try {
      this.reader.push(chunk, out);
    } catch (e) {
      if (!(e instanceof ReplyProtocolError)) throw e;
      for (const r of out) this.enqueue(r);
      out.length = 0;
      this.fail('protocol', e.message);
      return;
    }
    for (const r of out) this.enqueue(r);
    out.length = 0;
  }

  private enqueue(r: RawReply): void {
    const w = this.waiter;
    if (w && this.queueHead >= this.queue.length) {
      this.waiter = null;
      clearTimeout(w.timer);
      w.resolve(r);
      return;
    }
    this.queue.push(r);
    this.queuedBytes += r.bytes;
    if (this.queuedBytes > this.maxQueuedBytes) this.fail('protocol', 'too many unread replies from the server');
  }

  private shift(): RawReply {
    const r = this.queue[this.queueHead++]!;
    this.queuedBytes -= r.bytes;
    if (this.queueHead === this.queue.length) {
      this.queue = [];
      this.queueHead = 0;
    }
    return r;
  }
}

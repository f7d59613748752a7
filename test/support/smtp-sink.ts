/**
 * A scriptable SMTP receiver for tests (built on smtp-server): it stands in
 * for a destination's MX on a loopback address, records what it accepts and
 * answers the way a test tells it to.
 *
 *   const sink = await startSink({ host: '127.0.5.1', tls: true });
 *   sink.script('nobody@dest.test', receiverReplies.userUnknown);      // this recipient: 550 5.1.1
 *   sink.script('busy@dest.test', receiverReplies.mailboxBusy, accept()); // 450 once, then 250
 *   sink.setMode({ mail: receiverReplies.gmailRateLimited });            // every MAIL: 421-4.7.28 ...
 *   sink.setMode({ 'data-start': drop() });                              // drop the connection at DATA
 *   const [m] = await sink.waitFor(1, 2000);  // m.remoteAddress, m.clientHostname (EHLO name), m.raw
 *   await sink.close();
 *
 * What to answer is decided per phase ('connect' = the greeting, 'mail',
 * 'rcpt', 'data-start' when DATA begins, 'data' after the body): first the
 * `behaviour` function (return undefined to fall through), then for 'rcpt'
 * the recipient's script (actions used in turn, the last one repeats), then
 * the mode set by `setMode`, else accept. Actions: accept(), reply(code,
 * text | lines) (text may start with an enhanced code; several lines make a
 * multi-line reply; a 421 closes the connection, as smtp-server does), drop()
 * (close the TCP connection without a reply; at 'data-start', optionally after
 * some body bytes), delay(ms, then).
 *
 * Invariants: `messages` holds only messages answered with 2xx after DATA,
 * in that order, recorded before the 250 is written (so a client that has its
 * 250 can look). Counters count TCP connections, including refused ones.
 * close() destroys every open connection and pending delay, so tests end
 * promptly.
 *
 * Known limits: smtp-server answers MAIL/RCPT success with its own text and
 * waits ~100 ms before the greeting (its early-talker check); 'data-start'
 * honours only drop(); replies to EHLO/STARTTLS/RSET cannot be scripted.
 * Multi-line replies rely on smtp-server writing an array `message` as one
 * line per element (checked by this file's test). The TLS certificate is a
 * throwaway self-signed one (CN and SAN `sink.test`, SAN `localhost` and
 * 127.0.0.1), generated once per process.
 */
import type { Socket } from 'node:net';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';

export type SinkPhase = 'connect' | 'mail' | 'rcpt' | 'data-start' | 'data';

export type SinkAction =
  | { readonly kind: 'accept'; readonly text?: string }
  | { readonly kind: 'reply'; readonly code: number; readonly lines: readonly string[] }
  | { readonly kind: 'drop'; readonly afterBytes?: number }
  | { readonly kind: 'delay'; readonly ms: number; readonly then: SinkAction };

export const accept = (text?: string): SinkAction => (text === undefined ? { kind: 'accept' } : { kind: 'accept', text });
export const reply = (code: number, text: string | readonly string[]): SinkAction => ({
  kind: 'reply',
  code,
  lines: typeof text === 'string' ? [text] : text,
});
export const drop = (afterBytes?: number): SinkAction => (afterBytes === undefined ? { kind: 'drop' } : { kind: 'drop', afterBytes });
export const delay = (ms: number, then: SinkAction = accept()): SinkAction => ({ kind: 'delay', ms, then });

/** Receiver replies worth testing against (wording after the big operators' published messages). */
export const receiverReplies = {
  gmailRateLimited: reply(421, [
    '4.7.28 [192.0.2.1] Our system has detected an unusual rate of',
    '4.7.28 unsolicited mail originating from your IP address. To protect our',
    '4.7.28 users from spam, mail sent from your IP address has been temporarily',
    '4.7.28 rate limited. For more information, go to https://support.google.com/mail/?p=UnsolicitedRateLimitError',
  ]),
  gmailLowReputation: reply(421, [
    '4.7.0 [192.0.2.1] Our system has detected that this message is suspicious due',
    '4.7.0 to the very low reputation of the sending IP address.',
  ]),
  gmailBlocked: reply(550, ['5.7.1 [192.0.2.1] Our system has detected that this message', '5.7.1 is likely unsolicited mail and has been blocked.']),
  yahooDeferred: reply(421, '4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints'),
  yahooBlocked: reply(421, '4.7.1 [TS03] All messages from 192.0.2.1 will be permanently deferred; retrying will NOT succeed'),
  microsoftRateLimited: reply(451, '4.7.650 The mail server [192.0.2.1] has been temporarily rate limited due to IP reputation.'),
  microsoftBlocked: reply(550, '5.7.1 Unfortunately, messages from [192.0.2.1] weren\'t sent. Your IP is on our block list (S3140).'),
  userUnknown: reply(550, '5.1.1 The email account that you tried to reach does not exist.'),
  mailboxBusy: reply(450, '4.2.1 Mailbox temporarily unavailable, try again later'),
  noService: reply(554, '5.7.1 No SMTP service here'),
} as const;

export type SinkMode = Partial<Record<SinkPhase, SinkAction>>;

export interface SinkConnection {
  /** 1-based order of arrival. */
  readonly id: number;
  readonly remoteAddress: string;
  /** EHLO/HELO name ('' before the client sent one). */
  readonly clientHostname: string;
  readonly secure: boolean;
  /** Messages accepted on this connection so far. */
  readonly accepted: number;
}

export interface SinkContext {
  readonly phase: SinkPhase;
  readonly connection: SinkConnection;
  readonly mailFrom?: string;
  /** The recipient being asked about ('rcpt' phase). */
  readonly rcpt?: string;
  /** Recipients accepted so far in this transaction. */
  readonly rcptTo: readonly string[];
  /** The message as received, dots removed ('data' phase). */
  readonly raw?: Buffer;
  readonly sink: Sink;
}

export type SinkBehaviour = (ctx: SinkContext) => SinkAction | undefined | Promise<SinkAction | undefined>;

export interface ReceivedMessage {
  readonly mailFrom: string;
  readonly rcptTo: readonly string[];
  /** The message (empty when the sink was started with keepRaw: false). */
  readonly raw: Buffer;
  readonly size: number;
  /** MAIL FROM parameters, upper-case keys (SIZE, BODY, SMTPUTF8...). */
  readonly mailParams: Readonly<Record<string, string | true>>;
  readonly remoteAddress: string;
  readonly clientHostname: string;
  readonly secure: boolean;
  readonly connectionId: number;
  readonly receivedAt: number;
}

export interface SinkOptions {
  readonly host: string;
  readonly port?: number;
  /** Offer STARTTLS with a throwaway self-signed certificate. */
  readonly tls?: boolean;
  /** Advertise PIPELINING (default true). */
  readonly pipelining?: boolean;
  /** Advertise SIZE with this limit. */
  readonly size?: number;
  readonly behaviour?: SinkBehaviour;
  readonly mode?: SinkMode;
  /** Keep message bytes (default true); false for load tests. */
  readonly keepRaw?: boolean;
  /** Anything else smtp-server accepts (e.g. hide8BITMIME). */
  readonly serverOptions?: Partial<SMTPServerOptions>;
}

export interface SinkStats {
  /** TCP connections accepted, including refused and dropped ones. */
  connections: number;
  /** Connections open now, and the most open at once (for concurrency-limit tests). */
  open: number;
  maxOpen: number;
  /** MAIL commands answered (accepted or not). */
  mails: number;
  rcptAccepted: number;
  rcptRejected: number;
  /** Messages refused after DATA (not in `messages`). */
  dataRejected: number;
  /** Connections the sink dropped on purpose. */
  drops: number;
  /** Connections per client address. */
  readonly byRemote: Map<string, number>;
}

export interface Sink {
  readonly host: string;
  readonly port: number;
  readonly messages: ReceivedMessage[];
  readonly stats: SinkStats;
  /** PEM of the STARTTLS certificate (to pass as `ca`), when tls is on. */
  readonly certificate?: string;
  setMode(mode: SinkMode): void;
  /** Scripts the RCPT answers for one address (case-insensitive); no actions clears it. */
  script(rcpt: string, ...actions: SinkAction[]): void;
  /** Resolves once `predicate` holds (checked on every sink event); rejects after timeoutMs. */
  waitUntil(predicate: (sink: Sink) => boolean, timeoutMs?: number, what?: string): Promise<void>;
  /** Resolves with the messages once at least n were accepted. */
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedMessage[]>;
  close(): Promise<void>;
}

let certificate: Promise<{ key: string; cert: string }> | undefined;

function throwawayCertificate(): Promise<{ key: string; cert: string }> {
  // Imported on first use: loading selfsigned takes about a second.
  certificate ??= import('selfsigned').then(({ generate }) => generate([{ name: 'commonName', value: 'sink.test' }], {
    // RSA: selfsigned's EC path breaks when mailauth pulls in an older @peculiar/asn1-schema beside it.
    keyType: 'rsa',
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'sink.test' }, { type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
    ],
  })).then((p) => ({ key: p.private, cert: p.cert }));
  return certificate;
}

/** An Error smtp-server turns into the reply: code from responseCode, one line per element of message. */
function replyError(code: number, lines: readonly string[]): Error {
  const e = Object.assign(new Error(lines.join(' ')), { responseCode: code });
  if (lines.length > 1) Object.defineProperty(e, 'message', { value: [...lines] });
  return e;
}

/** Runs `fn` with a sink started from `opts`, and always closes it. */
export async function withSink(opts: SinkOptions, fn: (sink: Sink) => Promise<void>): Promise<void> {
  const sink = await startSink(opts);
  try {
    await fn(sink);
  } finally {
    await sink.close();
  }
}

export async function startSink(opts: SinkOptions): Promise<Sink> {
  const cert = opts.tls ? await throwawayCertificate() : undefined;
  const sink = new SmtpSink(opts, cert);
  await sink.listen(opts.port ?? 0);
  return sink;
}

interface ConnState {
  id: number;
  socket: Socket;
  accepted: number;
}

class SmtpSink implements Sink {
  readonly host: string;
  port = 0;
  readonly messages: ReceivedMessage[] = [];
  readonly stats: SinkStats = { connections: 0, open: 0, maxOpen: 0, mails: 0, rcptAccepted: 0, rcptRejected: 0, dataRejected: 0, drops: 0, byRemote: new Map() };
  readonly certificate?: string;
  private mode: SinkMode;
  private readonly scripts = new Map<string, SinkAction[]>();
  private readonly server: SMTPServer;
  private readonly sockets = new Map<string, ConnState>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly watchers = new Set<() => void>();
  private readonly behaviour: SinkBehaviour | undefined;
  private readonly keepRaw: boolean;
  private closing: Promise<void> | undefined;

  constructor(opts: SinkOptions, cert: { key: string; cert: string } | undefined) {
    this.host = opts.host;
    this.mode = { ...opts.mode };
    this.behaviour = opts.behaviour;
    this.keepRaw = opts.keepRaw ?? true;
    if (cert) this.certificate = cert.cert;
    this.server = new SMTPServer({
      name: 'sink.test',
      logger: false,
      disableReverseLookup: true,
      authOptional: true,
      disabledCommands: cert ? ['AUTH'] : ['AUTH', 'STARTTLS'],
      hidePIPELINING: opts.pipelining === false,
      ...(opts.size !== undefined ? { size: opts.size } : {}),
      ...(cert ? { key: cert.key, cert: cert.cert } : {}),
      ...opts.serverOptions,
      onConnect: (session, cb) => this.onConnect(session, cb),
      onMailFrom: (address, session, cb) => this.answer('mail', session, { mailFrom: address.address }, cb, () => this.stats.mails++),
      onRcptTo: (address, session, cb) =>
        this.answer('rcpt', session, { rcpt: address.address }, cb, (ok) => (ok ? this.stats.rcptAccepted++ : this.stats.rcptRejected++)),
      onData: (stream, session, cb) => this.onData(stream, session, cb),
    });
    this.server.on('error', () => {});
    this.server.server.on('connection', (socket: Socket) => this.track(socket));
  }

  listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.server.once('error', reject);
      this.server.listen(port, this.host, () => {
        this.server.server.off('error', reject);
        const a = this.server.server.address();
        this.port = typeof a === 'object' && a ? a.port : 0;
        resolve();
      });
    });
  }

  setMode(mode: SinkMode): void {
    this.mode = { ...mode };
  }

  script(rcpt: string, ...actions: SinkAction[]): void {
    if (actions.length === 0) this.scripts.delete(rcpt.toLowerCase());
    else this.scripts.set(rcpt.toLowerCase(), [...actions]);
  }

  waitUntil(predicate: (sink: Sink) => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
    if (predicate(this)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!predicate(this)) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`sink ${this.host}:${this.port}: ${what} not reached within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.watchers.delete(check);
      };
      this.watchers.add(check);
    });
  }

  async waitFor(n: number, timeoutMs = 5000): Promise<ReceivedMessage[]> {
    await this.waitUntil((s) => s.messages.length >= n, timeoutMs, `${n} messages (have ${this.messages.length})`);
    return this.messages;
  }

  close(): Promise<void> {
    if (this.closing) return this.closing;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.closing = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const c of this.sockets.values()) c.socket.destroy();
    return this.closing;
  }

  private notify(): void {
    for (const w of [...this.watchers]) w();
  }

  private track(socket: Socket): void {
    const key = `${socket.remoteAddress}:${socket.remotePort}`;
    const st = this.stats;
    st.connections++;
    st.open++;
    st.maxOpen = Math.max(st.maxOpen, st.open);
    const remote = socket.remoteAddress ?? '';
    st.byRemote.set(remote, (st.byRemote.get(remote) ?? 0) + 1);
    this.sockets.set(key, { id: st.connections, socket, accepted: 0 });
    socket.once('close', () => {
      this.sockets.delete(key);
      st.open--;
      this.notify();
    });
    this.notify();
  }

  private conn(session: SMTPServerSession): ConnState | undefined {
    return this.sockets.get(`${session.remoteAddress}:${session.remotePort}`);
  }

  private context(phase: SinkPhase, session: SMTPServerSession, extra: Partial<SinkContext>): SinkContext {
    const c = this.conn(session);
    const env = session.envelope;
    return {
      phase,
      connection: {
        id: c?.id ?? 0,
        remoteAddress: session.remoteAddress,
        clientHostname: session.hostNameAppearsAs || '',
        secure: session.secure,
        accepted: c?.accepted ?? 0,
      },
      ...(env.mailFrom ? { mailFrom: env.mailFrom.address } : {}),
      rcptTo: env.rcptTo.map((a) => a.address),
      sink: this,
      ...extra,
    };
  }

  private async decide(ctx: SinkContext): Promise<SinkAction> {
    const fromBehaviour = this.behaviour ? await this.behaviour(ctx) : undefined;
    if (fromBehaviour) return fromBehaviour;
    if (ctx.phase === 'rcpt' && ctx.rcpt !== undefined) {
      const queue = this.scripts.get(ctx.rcpt.toLowerCase());
      if (queue && queue.length > 0) return queue.length > 1 ? queue.shift()! : queue[0]!;
    }
    return this.mode[ctx.phase] ?? accept();
  }

  /** Carries out an action; `done(err, text)` is smtp-server's callback, not called for drops. */
  private perform(action: SinkAction, session: SMTPServerSession, done: (err: Error | null, text?: string) => void): void {
    switch (action.kind) {
      case 'accept':
        done(null, action.text);
        return;
      case 'reply':
        if (action.code < 400) done(null, action.lines.join(' '));
        else done(replyError(action.code, action.lines));
        return;
      case 'drop':
        this.stats.drops++;
        this.conn(session)?.socket.destroy();
        return;
      case 'delay': {
        const t = setTimeout(() => {
          this.timers.delete(t);
          this.perform(action.then, session, done);
        }, action.ms);
        this.timers.add(t);
      }
    }
  }

  private onConnect(session: SMTPServerSession, cb: (err?: Error | null) => void): void {
    void this.decide(this.context('connect', session, {})).then((a) => this.perform(a, session, (err) => cb(err)));
  }

  private answer(
    phase: 'mail' | 'rcpt',
    session: SMTPServerSession,
    extra: Partial<SinkContext>,
    cb: (err?: Error | null) => void,
    count: (ok: boolean) => void,
  ): void {
    void this.decide(this.context(phase, session, extra)).then((a) =>
      this.perform(a, session, (err) => {
        count(!err);
        cb(err);
        this.notify();
      }),
    );
  }

  private onData(
    stream: NodeJS.ReadableStream,
    session: SMTPServerSession,
    cb: (err?: Error | null, message?: string) => void,
  ): void {
    const chunks: Buffer[] = [];
    let size = 0;
    void this.decide(this.context('data-start', session, {})).then((start) => {
      const dropAt = start.kind === 'drop' ? (start.afterBytes ?? 0) : -1;
      if (dropAt === 0) {
        this.perform(start, session, () => {});
        return;
      }
      stream.on('data', (c: Buffer) => {
        size += c.length;
        if (this.keepRaw) chunks.push(c);
        if (dropAt > 0 && size >= dropAt) this.perform(start, session, () => {});
      });
      stream.on('end', () => {
        const raw = this.keepRaw ? Buffer.concat(chunks) : Buffer.alloc(0);
        void this.decide(this.context('data', session, { raw })).then((a) =>
          this.perform(a, session, (err, text) => {
            if (err) this.stats.dataRejected++;
            else this.record(session, raw, size);
            cb(err, text);
            this.notify();
          }),
        );
      });
    });
  }

  private record(session: SMTPServerSession, raw: Buffer, size: number): void {
    const c = this.conn(session);
    if (c) c.accepted++;
    const env = session.envelope;
    this.messages.push({
      mailFrom: env.mailFrom ? env.mailFrom.address : '',
      rcptTo: env.rcptTo.map((a) => a.address),
      raw,
      size,
      mailParams: (env.mailFrom && env.mailFrom.args) || {},
      remoteAddress: session.remoteAddress,
      clientHostname: session.hostNameAppearsAs || '',
      secure: session.secure,
      connectionId: c?.id ?? 0,
      receivedAt: Date.now(),
    });
  }
}

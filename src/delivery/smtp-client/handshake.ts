/**
 * Opening an SMTP connection: TCP connect from the chosen source address,
 * 220 greeting, EHLO (HELO fallback), STARTTLS and the second EHLO.
 *
 * Invariants: every failure is an SmtpConnectError naming the phase, with the
 * server's reply when there was one; the socket is closed before it is thrown.
 * TLS policy: 'none' never starts TLS; 'opportunistic' goes on in plain text
 * only when STARTTLS is not offered, and fails (so the caller can retry, maybe
 * in plain text) when STARTTLS is offered but refused or the handshake fails;
 * 'required' fails when STARTTLS is not offered. After TLS the first EHLO's
 * answer is forgotten (RFC 3207 §4.2).
 *
 * Known limits: a host name in `host` is resolved by the operating system,
 * not by the injected resolver (the scheduler passes IPs). SNI is sent only
 * for names, never for IP literals.
 */
import net from 'node:net';
import { formatReply, type SmtpReply } from '../../core/smtp-reply.js';
import { toSmtpReply, type RawReply } from './reply-reader.js';
import { SmtpConnectError, SmtpSessionError, type SmtpClientOptions, type SmtpTimeouts, type TlsInfo } from './types.js';
import { Wire } from './wire.js';

export interface Ehlo {
  readonly esmtp: boolean;
  readonly extensions: ReadonlySet<string>;
  readonly sizeLimit?: number;
}

export interface Handshake {
  readonly wire: Wire;
  readonly greeting: SmtpReply;
  readonly ehlo: Ehlo;
  readonly tlsInfo?: TlsInfo;
}

/** EHLO reply lines after the first: keywords (upper case) and the SIZE limit. */
export function parseEhlo(raw: RawReply): Ehlo {
  const extensions = new Set<string>();
  let sizeLimit: number | undefined;
  for (let i = 1; i < raw.lines.length; i++) {
    const words = raw.lines[i]!.slice(4).trim().split(/\s+/);
    const kw = (words[0] ?? '').toUpperCase();
    if (!kw) continue;
    extensions.add(kw);
    if (kw === 'SIZE' && words[1] && /^\d+$/.test(words[1])) sizeLimit = Number(words[1]);
  }
  return { esmtp: true, extensions, ...(sizeLimit !== undefined ? { sizeLimit } : {}) };
}

function connectTcp(opts: SmtpClientOptions, timeoutMs: number): Promise<Wire> {
  return new Promise((resolve, reject) => {
    const where = `${opts.host}:${opts.port}${opts.localAddress ? ` from ${opts.localAddress}` : ''}`;
    const family = opts.localAddress ? net.isIP(opts.localAddress) : 0;
    const socket = net.connect({
      host: opts.host,
      port: opts.port,
      noDelay: true,
      ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
      ...(family ? { family } : {}),
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new SmtpConnectError('connect', 'timeout', `connect to ${where}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const onError = (e: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(new SmtpConnectError('connect', 'network', `connect to ${where}: ${e.message}`, undefined, e));
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(new Wire(socket));
    });
  });
}

/** Sends QUIT without waiting and half-closes: used when giving up on a server that is still talking. */
function leave(wire: Wire): void {
  wire.write('QUIT\r\n');
  wire.end();
}

async function hello(wire: Wire, helo: string, t: SmtpTimeouts): Promise<Ehlo> {
  wire.write(`EHLO ${helo}\r\n`);
  const r = await wire.read('ehlo', t.commandMs);
  if (r.code === 250) return parseEhlo(r);
  if (r.code >= 500 && r.code !== 554) {
    wire.write(`HELO ${helo}\r\n`);
    const h = await wire.read('helo', t.commandMs);
    if (h.code === 250) return { esmtp: false, extensions: new Set() };
    const reply = toSmtpReply(h);
    throw new SmtpConnectError('helo', 'reply', `HELO refused: ${formatReply(reply)}`, reply);
  }
  const reply = toSmtpReply(r);
  throw new SmtpConnectError('ehlo', 'reply', `EHLO refused: ${formatReply(reply)}`, reply);
}

export async function handshake(opts: SmtpClientOptions, t: SmtpTimeouts): Promise<Handshake> {
  if (!/^[\x21-\x7e]+$/.test(opts.helo)) throw new TypeError(`invalid EHLO name ${JSON.stringify(opts.helo)}`);
  const wire = await connectTcp(opts, t.connectMs);
  try {
    const g = await wire.read('greeting', t.greetingMs);
    const greeting = toSmtpReply(g);
    if (g.code !== 220) {
      leave(wire);
      throw new SmtpConnectError('greeting', 'reply', `refused at greeting: ${formatReply(greeting)}`, greeting);
    }
    let ehlo = await hello(wire, opts.helo, t);
    let tlsInfo: TlsInfo | undefined;
    if (opts.tls.mode !== 'none') {
      if (ehlo.extensions.has('STARTTLS')) {
        wire.write('STARTTLS\r\n');
        const r = await wire.read('starttls', t.commandMs);
        if (r.code !== 220) {
          const reply = toSmtpReply(r);
          leave(wire);
          throw new SmtpConnectError('starttls', 'reply', `STARTTLS refused: ${formatReply(reply)}`, reply);
        }
        const servername = opts.tls.servername ?? (net.isIP(opts.host) ? undefined : opts.host);
        tlsInfo = await wire.startTls({
          host: opts.host,
          verify: opts.tls.verify,
          timeoutMs: t.commandMs,
          ...(servername ? { servername } : {}),
          ...(opts.tls.ca ? { ca: opts.tls.ca } : {}),
        });
        ehlo = await hello(wire, opts.helo, t);
      } else if (opts.tls.mode === 'required') {
        leave(wire);
        throw new SmtpConnectError('starttls', 'unsupported', `STARTTLS required but not offered by ${opts.host}`);
      }
    }
    return { wire, greeting, ehlo, ...(tlsInfo ? { tlsInfo } : {}) };
  } catch (e) {
    if (!wire.failed) wire.fail('closed', 'handshake failed');
    if (e instanceof SmtpConnectError) throw e;
    if (e instanceof SmtpSessionError) throw new SmtpConnectError(e.phase, e.kind, `${e.phase}: ${e.message}`, undefined, e);
    throw e;
  }
}

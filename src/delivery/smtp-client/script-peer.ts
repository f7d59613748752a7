/**
 * Test helper (not used in production): a raw TCP "SMTP server" whose every
 * reply is chosen by the test, for the client behaviours smtp-server cannot
 * be made to show (odd or oversized replies, silence, 354 with no
 * recipients, data after the STARTTLS reply) and for checking what was sent
 * on the wire: the command lines in order, which of them arrived together
 * (pipelining), and the message bytes as sent (still dot-stuffed).
 *
 * `onCommand(line, conn)` returns the reply text (lines joined by CRLF; the
 * final CRLF is added), or null to stay silent. A reply starting with 354 to
 * DATA switches the connection to data mode; the line "." ends it and is
 * passed to onCommand as ".". Lines are split on LF.
 *
 * Known limits: plain text only (no STARTTLS); one data chunk is split into
 * lines with a string conversion (fine for tests, not for load).
 */
import net from 'node:net';

export interface PeerConn {
  readonly commands: string[];
  /** Command lines grouped by the TCP read that completed them. */
  readonly batches: string[][];
  /** Message bodies as sent (dot-stuffed, without the final ".") in latin1. */
  readonly messages: string[];
  write(text: string): void;
  end(): void;
  destroy(): void;
}

export interface ScriptPeer {
  readonly port: number;
  readonly conns: PeerConn[];
  close(): Promise<void>;
}

export interface ScriptPeerOptions {
  readonly host: string;
  /** Greeting text; null sends none. Default "220 peer.test ESMTP". */
  readonly greeting?: string | null;
  readonly onCommand: (line: string, conn: PeerConn) => string | null;
}

/** Typical replies; `ext` are the EHLO keywords to offer. */
export function standardReply(line: string, ext: readonly string[] = ['PIPELINING', '8BITMIME', 'SIZE 1000000']): string | null {
  const verb = line.slice(0, 4).toUpperCase();
  switch (verb) {
    case 'EHLO':
      return ['250-peer.test', ...ext.map((e) => `250-${e}`)].join('\r\n').replace(/250-([^\r]*)$/, '250 $1');
    case 'HELO':
      return '250 peer.test';
    case 'MAIL':
    case 'RCPT':
    case 'RSET':
      return '250 2.0.0 OK';
    case 'DATA':
      return '354 go ahead';
    case 'QUIT':
      return '221 2.0.0 bye';
    default:
      return line === '.' ? '250 2.0.0 queued' : '500 5.5.2 what?';
  }
}

export function startScriptPeer(opts: ScriptPeerOptions): Promise<ScriptPeer> {
  const conns: PeerConn[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buf = '';
    let inData = false;
    let body: string[] = [];
    const conn: PeerConn = {
      commands: [],
      batches: [],
      messages: [],
      write: (text) => {
        if (!socket.destroyed) socket.write(text);
      },
      end: () => socket.end(),
      destroy: () => socket.destroy(),
    };
    conns.push(conn);
    const respond = (line: string): void => {
      const r = opts.onCommand(line, conn);
      if (r === null) return;
      conn.write(r + '\r\n');
      if (line.toUpperCase() === 'DATA' && r.startsWith('354')) inData = true;
      if (line.toUpperCase() === 'QUIT') socket.end();
    };
    socket.on('data', (chunk: Buffer) => {
      buf += chunk.toString('latin1');
      const batch: string[] = [];
      let lf: number;
      while ((lf = buf.indexOf('\n')) !== -1) {
        const line = buf.slice(0, lf).replace(/\r$/, '');
        buf = buf.slice(lf + 1);
        if (inData) {
          if (line === '.') {
            inData = false;
            conn.messages.push(body.join('\r\n'));
            body = [];
            respond('.');
          } else body.push(line);
          continue;
        }
        conn.commands.push(line);
        batch.push(line);
        respond(line);
      }
      if (batch.length > 0) conn.batches.push(batch);
    });
    if (opts.greeting !== null) conn.write((opts.greeting ?? '220 peer.test ESMTP') + '\r\n');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, opts.host, () => {
      const a = server.address();
      resolve({
        port: typeof a === 'object' && a ? a.port : 0,
        conns,
        close: () =>
          new Promise<void>((res) => {
            for (const s of sockets) s.destroy();
            server.close(() => res());
          }),
      });
    });
  });
}

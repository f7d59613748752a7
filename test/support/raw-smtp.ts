/**
 * A raw SMTP conversation over a plain socket, for tests that must send
 * exact bytes (smuggling sequences, bare LF) or check exact replies.
 * read() returns the next complete reply (all lines of a multi-line reply).
 */
import { connect, type Socket } from 'node:net';

export interface RawSmtp {
  read(timeoutMs?: number): Promise<string>;
  write(data: string | Buffer): void;
  /** Writes a command line (CRLF added) and returns the reply. */
  cmd(line: string): Promise<string>;
  /** AUTH PLAIN with the given credentials; returns the reply. */
  authPlain(user: string, pass: string): Promise<string>;
  close(): void;
  readonly socket: Socket;
}

export async function rawSmtp(host: string, port: number, localAddress?: string): Promise<RawSmtp> {
  const socket = connect({ host, port, ...(localAddress ? { localAddress } : {}) });
  let buf = '';
  const waiters: Array<() => void> = [];
  socket.on('data', (d: Buffer) => {
    buf += d.toString('latin1');
    waiters.splice(0).forEach((w) => w());
  });
  socket.on('error', () => undefined);
  socket.on('close', () => waiters.splice(0).forEach((w) => w()));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  const takeReply = (): string | null => {
    const lines = buf.split('\r\n');
    for (let i = 0; i < lines.length - 1; i++) {
      if (/^\d{3} /.test(lines[i]!) || (/^\d{3}$/.test(lines[i]!))) {
        const reply = lines.slice(0, i + 1).join('\r\n');
        buf = lines.slice(i + 1).join('\r\n');
        return reply;
      }
    }
    return null;
  };
  const read = async (timeoutMs = 5000): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = takeReply();
      if (r !== null) return r;
      if (socket.destroyed || socket.readableEnded) return buf ? buf : '(closed)';
      const left = deadline - Date.now();
      if (left <= 0) return '(timeout)';
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  };
  const write = (d: string | Buffer): void => {
    socket.write(typeof d === 'string' ? Buffer.from(d, 'latin1') : d);
  };
  return {
    socket, read, write,
    cmd: async (line) => {
      write(line + '\r\n');
      return read();
    },
    authPlain: async (user, pass) => {
      write(`AUTH PLAIN ${Buffer.from(`\0${user}\0${pass}`).toString('base64')}\r\n`);
      return read();
    },
    close: () => socket.destroy(),
  };
}

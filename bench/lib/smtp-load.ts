/**
 * Submission load generator for benchmarks: N connections, each does
 * STARTTLS + AUTH PLAIN once, then submits messages back to back
 * (MAIL/RCPT/DATA pipelined, then the body). It measures, per message, the
 * time from writing the final "." of DATA to reading the 250 — the time the
 * gateway takes to make the message durable and acknowledge it.
 * Hand-written because nodemailer does not expose that instant.
 */
import net from 'node:net';
import tls from 'node:tls';

export interface LoadOptions {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly pass: string;
  readonly connections: number;
  /** Messages per body: each entry is sent `count` times. */
  readonly plan: ReadonlyArray<{ readonly count: number; readonly body: Buffer }>;
  readonly from: string;
  readonly rcpt: (i: number) => string;
  readonly startTls?: boolean;
  /** AUTH PLAIN after EHLO (default true); false for a raw sink. */
  readonly auth?: boolean;
  /** Messages per second over all connections (message i starts no earlier than i/rate s in); absent: as fast as replies allow. */
  readonly rate?: number;
}

export interface LoadResult {
  readonly accepted: number;
  readonly refused: number;
  readonly seconds: number;
  /** End of DATA → 250, milliseconds, sorted. */
  readonly latencies: number[];
}

class LineReader {
  private buf = '';
  private waiting: Array<(s: string) => void> = [];
  constructor(private sock: net.Socket | tls.TLSSocket) {
    this.attach(sock);
  }
  attach(sock: net.Socket | tls.TLSSocket): void {
    this.sock = sock;
    sock.on('data', (d: Buffer) => {
      this.buf += d.toString('latin1');
      this.pump();
    });
  }
  private pump(): void {
    for (;;) {
      const m = /^(\d{3}) [^\r\n]*\r\n/m.exec(this.buf);
      if (!m || this.waiting.length === 0) return;
      const end = m.index + m[0].length;
      const reply = this.buf.slice(0, end);
      this.buf = this.buf.slice(end);
      this.waiting.shift()!(reply);
    }
  }
  next(): Promise<string> {
    return new Promise((r) => {
      this.waiting.push(r);
      this.pump();
    });
  }
  get socket(): net.Socket | tls.TLSSocket {
    return this.sock;
  }
}

async function expect(r: LineReader, code: string): Promise<string> {
  const line = await r.next();
  if (!line.startsWith(code)) throw new Error(`expected ${code}, got ${line.trim()}`);
  return line;
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const jobs: Buffer[] = [];
  for (const p of o.plan) for (let i = 0; i < p.count; i++) jobs.push(p.body);
  let next = 0;
  let accepted = 0;
  let refused = 0;
  const latencies: number[] = [];
  const t0 = process.hrtime.bigint();

  const worker = async (): Promise<void> => {
    let sock: net.Socket | tls.TLSSocket = net.connect({ host: o.host, port: o.port });
    sock.setNoDelay(true);
    await new Promise<void>((res, rej) => {
      sock.once('connect', res);
      sock.once('error', rej);
    });
    const r = new LineReader(sock);
    await expect(r, '220');
    sock.write('EHLO load.test\r\n');
    await expect(r, '250');
    if (o.startTls !== false) {
      sock.write('STARTTLS\r\n');
      await expect(r, '220');
      const plain = sock;
      plain.removeAllListeners('data');
      sock = tls.connect({ socket: plain, rejectUnauthorized: false });
      await new Promise<void>((res, rej) => {
        sock.once('secureConnect', res);
        sock.once('error', rej);
      });
      r.attach(sock);
      sock.write('EHLO load.test\r\n');
      await expect(r, '250');
    }
    if (o.auth !== false) {
      sock.write(`AUTH PLAIN ${Buffer.from(`\0${o.user}\0${o.pass}`).toString('base64')}\r\n`);
      await expect(r, '235');
    }
    for (;;) {
      const i = next++;
      if (i >= jobs.length) break;
      if (o.rate) {
        const due = Number(t0) / 1e6 + (i / o.rate) * 1000 - Number(process.hrtime.bigint()) / 1e6;
        if (due > 0) await new Promise((res) => setTimeout(res, due));
      }
      sock.write(`MAIL FROM:<${o.from}>\r\nRCPT TO:<${o.rcpt(i)}>\r\nDATA\r\n`);
      const mail = await r.next();
      const rcpt = await r.next();
      const data = await r.next();
      if (!mail.startsWith('250') || !rcpt.startsWith('250') || !data.startsWith('354')) {
        refused++;
        if (data.startsWith('354')) sock.write('.\r\n');
        continue;
      }
      sock.write(jobs[i]!);
      const t = process.hrtime.bigint();
      sock.write('.\r\n');
      const res = await r.next();
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (res.startsWith('250')) accepted++;
      else refused++;
    }
    sock.write('QUIT\r\n');
    sock.end();
  };
  await Promise.all(Array.from({ length: o.connections }, worker));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  latencies.sort((a, b) => a - b);
  return { accepted, refused, seconds, latencies };
}

/** A message of about `size` bytes (CRLF lines, ends with CRLF), From the given address. */
export function makeMessage(size: number, from: string, to: string): Buffer {
  let text = `From: ${from}\r\nTo: ${to}\r\nSubject: benchmark message\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n`;
  let n = 0;
  while (text.length < size) text += `Line ${++n}: lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\r\n`;
  return Buffer.from(text.slice(0, size - 2) + '\r\n');
}

/**
 * Micro-benchmark of the outbound SMTP client: messages per second over one
 * (or a few) reused connections on loopback, and the client's own CPU time.
 *
 *   npm run bench:smtp-client -- [--messages 20000] [--size 5120] [--rcpts 1] [--conns 1] [--target raw|sink|both]
 *
 * The receiver runs in a child process (so the CPU figures are the client's):
 * 'raw' is a minimal Buffer-based responder (pipelining, no parsing beyond
 * what is needed: the client's ceiling); 'sink' is the smtp-server based test
 * sink (what the delivery tests use). Also times dotStuff alone (MB/s).
 *
 * Known limits: loopback only; one message at a time per connection, as the
 * client does; the raw responder does not check what it receives.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openSmtpSession } from '../src/delivery/smtp-client.js';
import { dotStuff } from '../src/delivery/smtp-client/dot-stuff.js';
import { serveRawSink } from './lib/raw-sink.js';

const HOST = '127.0.34.1';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
}

function makeBody(size: number): Buffer {
  const head = 'From: bench@src.test\r\nTo: rcpt@dst.test\r\nSubject: benchmark\r\nMessage-ID: <b@src.test>\r\n\r\n';
  let text = head;
  let n = 0;
  while (text.length < size) {
    n++;
    text += (n % 50 === 0 ? '.' : '') + 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\r\n';
  }
  return Buffer.from(text.slice(0, size - 2) + '\r\n');
}

async function serve(kind: string): Promise<void> {
  let port: number;
  if (kind === 'raw') port = (await serveRawSink(HOST)).port;
  else {
    const { startSink } = await import('../test/support/smtp-sink.js');
    port = (await startSink({ host: HOST, keepRaw: false })).port;
  }
  process.send!({ port });
}

function startServer(kind: string): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve', kind], { stdio: 'inherit' });
  return new Promise((resolve) => child.once('message', (m: { port: number }) => resolve({ child, port: m.port })));
}

async function run(kind: string, messages: number, body: Buffer, rcpts: number, conns: number): Promise<void> {
  const { child, port } = await startServer(kind);
  const rcptTo = Array.from({ length: rcpts }, (_, i) => `r${i}@dst.test`);
  const sessions = await Promise.all(
    Array.from({ length: conns }, () =>
      openSmtpSession({ host: HOST, port, localAddress: '127.0.34.2', helo: 'bench.test', tls: { mode: 'none', verify: false } }),
    ),
  );
  let left = messages;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await Promise.all(
    sessions.map(async (s) => {
      while (left > 0) {
        left--;
        const r = await s.send({ mailFrom: 'bench@src.test', rcptTo, body: [body] });
        if (r.data?.code !== 250) throw new Error(`unexpected result ${JSON.stringify(r)}`);
      }
    }),
  );
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  await Promise.all(sessions.map((s) => s.quit()));
  child.kill();
  const cpuMs = (cpu.user + cpu.system) / 1000;
  console.log(
    `${kind.padEnd(4)} ${messages} msgs x ${body.length} B, ${rcpts} rcpt, ${conns} conn: ` +
      `${Math.round(messages / secs)} msg/s, ${((body.length * messages) / secs / 1e6).toFixed(1)} MB/s, ` +
      `client CPU ${(cpuMs / (messages / 1000)).toFixed(0)} ms per 1000 msgs`,
  );
}

function benchDotStuff(body: Buffer): void {
  const rounds = Math.max(200, Math.floor(200e6 / body.length));
  const t0 = process.hrtime.bigint();
  let parts = 0;
  for (let i = 0; i < rounds; i++) parts += dotStuff([body]).length;
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`dotStuff ${body.length} B: ${((body.length * rounds) / secs / 1e9).toFixed(2)} GB/s (${(parts / rounds).toFixed(0)} parts/msg)`);
}

async function main(): Promise<void> {
  const serveIdx = process.argv.indexOf('--serve');
  if (serveIdx > 0) return serve(process.argv[serveIdx + 1]!);
  const messages = Number(arg('messages', '20000'));
  const size = Number(arg('size', '5120'));
  const rcpts = Number(arg('rcpts', '1'));
  const conns = Number(arg('conns', '1'));
  const target = arg('target', 'both');
  const body = makeBody(size);
  benchDotStuff(body);
  for (const kind of target === 'both' ? ['raw', 'sink'] : [target]) await run(kind, messages, body, rcpts, conns);
}

await main();

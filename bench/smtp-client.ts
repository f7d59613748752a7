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
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { openSmtpSession } from '../src/delivery/smtp-client.js';
import { dotStuff } from '../src/delivery/smtp-client/dot-stuff.js';

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

/** Minimal responder: replies in order, 354 to DATA, 250 at each end of data. */
function serveRaw(): Promise<number> {
  const EOD = Buffer.from('\r\n.\r\n');
  const server = net.createServer((s) => {
    s.setNoDelay(true);
    s.write('220 raw.test ESMTP\r\n');
    let inData = false;
    let line = '';
    let tail = Buffer.alloc(0);
    s.on('data', (chunk: Buffer) => {
      let pos = 0;
      let out = '';
      while (pos < chunk.length) {
        if (inData) {
          const buf = tail.length ? Buffer.concat([tail, chunk.subarray(pos)]) : chunk.subarray(pos);
          const i = buf.indexOf(EOD);
          if (i === -1) {
            tail = Buffer.from(buf.subarray(Math.max(0, buf.length - 4)));
            pos = chunk.length;
          } else {
            pos += i + EOD.length - tail.length;
            tail = Buffer.alloc(0);
            inData = false;
            out += '250 2.0.0 ok\r\n';
          }
          continue;
        }
        const lf = chunk.indexOf(0x0a, pos);
        if (lf === -1) {
          line += chunk.toString('latin1', pos);
          break;
        }
        const cmd = (line + chunk.toString('latin1', pos, lf)).slice(0, 4).toUpperCase();
        line = '';
        pos = lf + 1;
        if (cmd === 'EHLO') out += '250-raw.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE 100000000\r\n';
        else if (cmd === 'DATA') {
          out += '354 go\r\n';
          inData = true;
          tail = Buffer.from('\r\n');
        } else if (cmd === 'QUIT') out += '221 bye\r\n';
        else out += '250 ok\r\n';
      }
      if (out) s.write(out);
    });
    s.on('error', () => {});
  });
  return new Promise((resolve) => server.listen(0, HOST, () => resolve((server.address() as net.AddressInfo).port)));
}

async function serve(kind: string): Promise<void> {
  let port: number;
  if (kind === 'raw') port = await serveRaw();
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

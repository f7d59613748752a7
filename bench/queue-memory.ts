/**
 * npm run bench:queue-memory — the gateway's memory stays flat while its
 * queue grows.
 *
 * Starts the real gateway in a child process with a static route for
 * slow.test to a tiny responder (its own child process) that defers every
 * RCPT with 450 4.2.1, then submits 200,000 messages of 5 KB to slow.test
 * over 20 STARTTLS + AUTH connections. Every message is accepted, tried once,
 * deferred (default retry schedule: next try in 5 minutes) and stays queued.
 * The gateway's VmRSS is sampled every second; a row is printed at every 10%
 * of the submissions (queued count from `outpost queue --json`), then while
 * the gateway finishes processing and the first delivery attempts. Finally
 * the gateway's peak RSS (VmHWM) is compared with the target: under 300 MB
 * with 200,000 queued. Exit code 1 when the target is missed.
 * Options: --messages N --connections N --size BYTES --keep (keep the data dir).
 *
 * Known limits: the queued counts come from the CLI run asynchronously
 * (gw.cli is synchronous and would stall the load generator); a row's other
 * columns are read when the count arrives, so "submitted" may run slightly
 * ahead of "queued msgs" (the CLI's snapshot is a moment older). The responder
 * parses only command verbs; it is a deferral machine, not an MTA.
 * Run as `node dist/bench/queue-memory.js --sink-child HOST PORT`, this file
 * is the responder (it reports its port and answers {count} requests over IPC).
 */
import { execFile, fork, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { startGatewayChild, type GatewayChild } from './lib/gateway-child.js';
import { makeMessage, runLoad } from './lib/smtp-load.js';

const HOST = '127.0.52.1';
const SINK_HOST = '127.0.52.20';
const SMTP_PORT = 14587;
const HTTP_PORT = 14026;
const SINK_PORT = 14025;
const TARGET_MB = 300;
const BIN = fileURLToPath(new URL('../../bin/outpost.js', import.meta.url));
const SELF = fileURLToPath(import.meta.url);

interface SinkCounts {
  connections: number;
  deferred: number;
}

/** Answers every RCPT with 450 4.2.1 and DATA with 554 (no valid recipients). */
function serveDeferringSink(host: string, port: number): Promise<{ port: number; counts: () => SinkCounts }> {
  const counts: SinkCounts = { connections: 0, deferred: 0 };
  const server = net.createServer((s) => {
    counts.connections++;
    s.setNoDelay(true);
    s.on('error', () => undefined);
    s.write('220 slow.test ESMTP deferring responder\r\n');
    let partial = '';
    s.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('latin1')).split('\n');
      partial = lines.pop() ?? '';
      let out = '';
      let quit = false;
      for (const line of lines) {
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') out += '250-slow.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n';
        else if (verb === 'HELO' || verb === 'MAIL' || verb === 'RSET' || verb === 'NOOP') out += '250 2.0.0 ok\r\n';
        else if (verb === 'RCPT') {
          counts.deferred++;
          out += '450 4.2.1 Mailbox temporarily unavailable, try again later\r\n';
        } else if (verb === 'DATA') out += '554 5.5.1 No valid recipients\r\n';
        else if (verb === 'QUIT') {
          out += '221 2.0.0 bye\r\n';
          quit = true;
        } else out += '500 5.5.2 unrecognised command\r\n';
      }
      if (quit) s.end(out);
      else if (out) s.write(out);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve({ port: (server.address() as net.AddressInfo).port, counts: () => ({ ...counts }) }));
  });
}

interface SinkProc {
  readonly child: ChildProcess;
  readonly port: number;
  counts(): Promise<SinkCounts>;
}

async function startSinkProc(): Promise<SinkProc> {
  const child = fork(SELF, ['--sink-child', SINK_HOST, String(SINK_PORT)], { stdio: 'inherit' });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`deferring sink exited (${code})`)));
  });
  let waiting: Array<(c: SinkCounts) => void> = [];
  child.on('message', (m: { counts?: SinkCounts }) => {
    if (m.counts) for (const w of waiting.splice(0)) w(m.counts);
  });
  const counts = (): Promise<SinkCounts> =>
    new Promise((resolve) => {
      waiting.push(resolve);
      if (waiting.length === 1) child.send('count');
    });
  return { child, port, counts };
}

/** A field of /proc/PID/status in MB (VmRSS, RssAnon, RssFile...), or NaN when unreadable. */
function statusMb(pid: number, field = 'VmRSS'): number {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}
const rssMb = (pid: number): number => statusMb(pid);

interface Queued {
  /** Messages not yet done (incoming + processing + active). */
  notDone: number;
  incoming: number;
  /** Recipients waiting in the queue for their next attempt. */
  rcptQueued: number;
}

/** `outpost queue --json`, run without blocking this process's event loop. */
function queueCounts(gw: GatewayChild): Promise<Queued> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [BIN, 'queue', '--json', '--config', gw.configFile], { encoding: 'utf8', maxBuffer: 16 << 20 }, (err, stdout) => {
      if (err) return reject(err);
      const c = JSON.parse(stdout) as { messages: Record<string, number>; recipients: Record<string, number> };
      const m = c.messages;
      resolve({
        notDone: (m['incoming'] ?? 0) + (m['processing'] ?? 0) + (m['active'] ?? 0),
        incoming: (m['incoming'] ?? 0) + (m['processing'] ?? 0),
        rcptQueued: c.recipients['queued'] ?? 0,
      });
    });
  });
}

async function main(): Promise<void> {
  const arg = (name: string, dflt: number): number => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : dflt;
  };
  const messages = arg('messages', 200_000);
  const connections = arg('connections', 20);
  const size = arg('size', 5 * 1024);
  const keep = process.argv.includes('--keep');

  const sink = await startSinkProc();
  const gw = await startGatewayChild({
    smtp: { listen: [{ host: HOST, port: SMTP_PORT, tls: 'starttls' }], maxConnectionsPerTenant: 100, maxConnectionsPerIp: 100 },
    http: { listen: { host: HOST, port: HTTP_PORT } },
    routes: [{ match: 'slow.test', host: SINK_HOST, port: sink.port }],
    pools: {
      default: { ips: [{ ip: '127.0.52.100', helo: 'out1.bench.test' }, { ip: '127.0.52.101', helo: 'out2.bench.test' }] },
      'high-risk': { ips: [{ ip: '127.0.52.200', helo: 'hr.bench.test' }] },
    },
  });
  const pid = gw.child.pid!;
  const t0 = Date.now();
  const secs = (): number => (Date.now() - t0) / 1000;
  let started = 0;
  let maxSampled = rssMb(pid);
  const samples: number[] = [];

  console.log(`queue-memory: ${messages} msgs x ${size} B to slow.test (every RCPT deferred) over ${connections} conns; gateway pid ${pid}, data in ${gw.dir}`);
  console.log(`${'time s'.padStart(7)} ${'phase'.padEnd(10)} ${'submitted'.padStart(9)} ${'queued msgs'.padStart(11)} ${'incoming'.padStart(8)} ${'deferred at sink'.padStart(16)} ${'RSS MB'.padStart(7)} ${'max RSS MB'.padStart(10)}`);
  const row = async (phase: string): Promise<{ q: Queued; s: SinkCounts }> => {
    const [q, s] = await Promise.all([queueCounts(gw), sink.counts()]);
    const at = secs();
    const sub = started;
    const rss = rssMb(pid);
    console.log(
      `${at.toFixed(0).padStart(7)} ${phase.padEnd(10)} ${String(sub).padStart(9)} ${String(q.notDone).padStart(11)} ${String(q.incoming).padStart(8)} ` +
        `${String(s.deferred).padStart(16)} ${rss.toFixed(0).padStart(7)} ${maxSampled.toFixed(0).padStart(10)}`,
    );
    return { q, s };
  };

  let nextMilestone = 1;
  let lastProgress = Date.now();
  const pending: Array<Promise<unknown>> = [];
  const sampler = setInterval(() => {
    const rss = rssMb(pid);
    samples.push(rss);
    if (rss > maxSampled) maxSampled = rss;
    if (started >= (messages * nextMilestone) / 10 && nextMilestone < 10) {
      pending.push(row(`${nextMilestone * 10}%`).catch((e: unknown) => console.error(`queue count failed: ${(e as Error).message}`)));
      nextMilestone++;
    }
    if (Date.now() - lastProgress >= 15_000) {
      lastProgress = Date.now();
      console.error(`  … ${secs().toFixed(0)} s: ${started} submitted (${(started / secs()).toFixed(0)} msg/s), gateway RSS ${rss.toFixed(0)} MB`);
    }
  }, 1000);

  let failed: Error | undefined;
  try {
    await row('start');
    const body = makeMessage(size, 'load@bench.test', 'rcpt@slow.test');
    const load = await runLoad({
      host: HOST, port: SMTP_PORT, user: gw.user, pass: gw.pass, connections, plan: [{ count: messages, body }],
      from: 'load@bench.test',
      rcpt: (i) => {
        started++;
        return `r${i}@slow.test`;
      },
    });
    await Promise.all(pending);
    console.log(`submission: ${load.accepted} accepted, ${load.refused} refused in ${load.seconds.toFixed(1)} s = ${(load.accepted / load.seconds).toFixed(0)} msg/s`);
    if (load.accepted !== messages) throw new Error(`only ${load.accepted} of ${messages} accepted`);
    // Let processing and the first delivery attempt of every message finish.
    const deadline = Date.now() + Math.max(120_000, messages * 5);
    for (;;) {
      await new Promise((r) => setTimeout(r, 5000));
      const r = await row('draining').catch((e: unknown) => {
        console.error(`queue count failed (retrying): ${(e as Error).message}`);
        return undefined;
      });
      if (!r) continue;
      const { q, s } = r;
      if (q.incoming === 0 && s.deferred >= messages) break;
      if (Date.now() > deadline) throw new Error(`not drained in time: ${q.incoming} incoming, ${s.deferred} deferrals of ${messages}`);
    }
    // A few more seconds with the full queue at rest.
    await new Promise((r) => setTimeout(r, 5000));
    const { q } = await row('settled');
    const peak = gw.peakRssMb();
    const sorted = [...samples].filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
    const ok = peak < TARGET_MB && q.notDone >= messages;
    console.log(
      `gateway RSS over ${sorted.length} one-second samples: min ${sorted[0]?.toFixed(0)} MB, median ${sorted[Math.floor(sorted.length / 2)]?.toFixed(0)} MB, max ${sorted.at(-1)?.toFixed(0)} MB`,
    );
    console.log(`gateway RSS now: ${rssMb(pid).toFixed(0)} MB = anonymous ${statusMb(pid, 'RssAnon').toFixed(0)} MB (JS heap, SQLite page caches, buffers) + file-backed ${statusMb(pid, 'RssFile').toFixed(0)} MB (code, mapped files)`);
    console.log(`gateway peak RSS (VmHWM): ${peak.toFixed(0)} MB with ${q.notDone} messages queued (${q.rcptQueued} recipients waiting for retry)`);
    console.log(`target (peak RSS < ${TARGET_MB} MB with ${messages} queued): ${ok ? 'MET' : 'NOT MET'}`);
    if (!ok) process.exitCode = 1;
  } catch (e) {
    failed = e as Error;
  } finally {
    clearInterval(sampler);
    await gw.stop();
    sink.child.kill();
    if (!keep) rmSync(gw.dir, { recursive: true, force: true });
  }
  if (failed) {
    console.error(`queue-memory failed: ${failed.message}`);
    process.exitCode = 1;
  }
}

if (process.argv[2] === '--sink-child') {
  const s = await serveDeferringSink(process.argv[3] ?? SINK_HOST, Number(process.argv[4] ?? 0));
  process.send?.({ port: s.port });
  process.on('message', () => process.send?.({ counts: s.counts() }));
  process.on('disconnect', () => process.exit(0));
} else {
  await main();
}

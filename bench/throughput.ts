/**
 * npm run bench:throughput — end-to-end delivery rate through the gateway.
 *
 * For each message size (20,000 × 5 KB, then 2,000 × 100 KB) it measures:
 *  - the ceiling: the same load generator straight into a fast raw SMTP sink;
 *  - the gateway: 20 STARTTLS+AUTH submitters → gateway (real child process:
 *    fsync-durable spool, processing, delivery from 2 pool IPs) → the same
 *    sink, timed from the first submission to the last message at the sink.
 * Prints messages/s, the ratio to the ceiling, the gateway's CPU seconds per
 * 1,000 messages and its peak RSS. The sink runs in its own process.
 * Options: --small N --large N --connections N --runs N.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startGatewayChild } from './lib/gateway-child.js';
import { makeMessage, runLoad } from './lib/smtp-load.js';
import { median } from './lib/stats.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const HOST = '127.0.51.1';
const SINK_HOST = '127.0.51.20';
const connections = arg('connections', 20);
const runs = arg('runs', 1);
const phases = [
  { name: '5 KB', size: 5 * 1024, count: arg('small', 20_000) },
  { name: '100 KB', size: 100 * 1024, count: arg('large', 2_000) },
];

interface SinkProc {
  child: ChildProcess;
  port: number;
  count(): Promise<number>;
}

async function startSinkProc(port: number): Promise<SinkProc> {
  const child = fork(fileURLToPath(new URL('./lib/raw-sink.js', import.meta.url)), ['--child', SINK_HOST, String(port)], { stdio: 'inherit' });
  const p = await new Promise<number>((resolve) => child.once('message', (m: { port: number }) => resolve(m.port)));
  const count = (): Promise<number> =>
    new Promise((resolve) => {
      child.once('message', (m: { count: number }) => resolve(m.count));
      child.send('count');
    });
  return { child, port: p, count };
}

async function waitForCount(sink: SinkProc, n: number, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while ((await sink.count()) < n) {
    if (Date.now() > end) throw new Error(`sink saw ${await sink.count()} of ${n} messages`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const phase of phases) {
  const body = makeMessage(phase.size, 'load@bench.test', 'rcpt@dest.test');
  const rates: number[] = [];
  const ceilings: number[] = [];
  for (let run = 1; run <= runs; run++) {
    // Ceiling: load generator straight into the sink.
    const direct = await startSinkProc(12527);
    const c = await runLoad({
      host: SINK_HOST, port: direct.port, user: '', pass: '', connections, startTls: false, auth: false,
      plan: [{ count: phase.count, body }], from: 'load@bench.test', rcpt: (i) => `r${i}@dest.test`,
    });
    direct.child.kill();
    ceilings.push(c.accepted / c.seconds);

    const sink = await startSinkProc(12526);
    const gw = await startGatewayChild({
      smtp: { listen: [{ host: HOST, port: 13588, tls: 'starttls' }], maxConnectionsPerTenant: 100, maxConnectionsPerIp: 100 },
      http: { listen: { host: HOST, port: 18027 } },
      routes: [{ match: 'dest.test', host: SINK_HOST, port: sink.port }],
      pools: {
        default: { ips: [{ ip: '127.0.51.100', helo: 'out1.bench.test' }, { ip: '127.0.51.101', helo: 'out2.bench.test' }], maxConnectionsPerDestination: 8 },
        'high-risk': { ips: [{ ip: '127.0.51.200', helo: 'hr.bench.test' }] },
      },
    });
    const cpu0 = gw.cpuSeconds();
    const t0 = process.hrtime.bigint();
    const load = runLoad({
      host: HOST, port: 13588, user: gw.user, pass: gw.pass, connections, plan: [{ count: phase.count, body }],
      from: 'load@bench.test', rcpt: (i) => `r${i}@dest.test`,
    });
    const submitted = await load;
    if (submitted.accepted !== phase.count) throw new Error(`accepted ${submitted.accepted} of ${phase.count}`);
    await waitForCount(sink, phase.count, 300_000);
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = gw.cpuSeconds() - cpu0;
    const rss = gw.peakRssMb();
    await gw.stop();
    sink.child.kill();
    const rate = phase.count / secs;
    rates.push(rate);
    console.log(
      `${phase.name} run ${run}: ${phase.count} msgs end to end in ${secs.toFixed(2)} s = ${rate.toFixed(0)} msg/s ` +
        `(submission alone ${(submitted.accepted / submitted.seconds).toFixed(0)} msg/s); ceiling ${ceilings.at(-1)!.toFixed(0)} msg/s; ` +
        `ratio ${(rate / ceilings.at(-1)!).toFixed(2)}; gateway CPU ${((cpu / phase.count) * 1000).toFixed(2)} s per 1,000 msgs; peak RSS ${rss.toFixed(0)} MB`,
    );
  }
  console.log(`${phase.name} median of ${runs}: ${median(rates).toFixed(0)} msg/s end to end, ceiling ${median(ceilings).toFixed(0)} msg/s, ratio ${(median(rates) / median(ceilings)).toFixed(2)}`);
}

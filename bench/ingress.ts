/**
 * npm run bench:ingress — submission throughput and acknowledgement latency.
 *
 * Starts the real gateway in a child process (delivery on hold, so only
 * ingress + cleanup + the durable spool write are measured), then submits
 * 20,000 messages of 5 KB over 20 concurrent STARTTLS + AUTH connections.
 * Prints accepted messages/s, p50/p99 from end of DATA to 250, and the
 * gateway's peak RSS and CPU. Every 250 is fsync-durable (SQLite WAL,
 * synchronous=FULL, group commit). Scanning runs as in production; DKIM
 * signing is off unless --signing (it is not part of acceptance, and its
 * cost — two RSA signatures per message — is measured by bench:throughput).
 * Each gateway first takes --warmup N messages (default 2,000) that are not
 * measured: a fresh process spends seconds of CPU compiling its hot paths
 * in every isolate, which a running gateway does not (--warmup 0: cold, as
 * the figures before 2026-11-28's session 4).
 * Options: --messages N --connections N --size BYTES --runs N --warmup N --no-scan --signing.
 */
import { startGatewayChild } from './lib/gateway-child.js';
import { makeMessage, runLoad } from './lib/smtp-load.js';
import { median, percentile } from './lib/stats.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};

const HOST = '127.0.50.1';
const messages = arg('messages', 20_000);
const connections = arg('connections', 20);
const size = arg('size', 5 * 1024);
const runs = arg('runs', 3);
const warmup = arg('warmup', 2000);

const results: Array<{ rate: number; p50: number; p99: number; rss: number; cpu: number }> = [];
for (let run = 1; run <= runs; run++) {
  const gw = await startGatewayChild({
    smtp: { listen: [{ host: HOST, port: 13587, tls: 'starttls' }], maxConnectionsPerTenant: 100, maxConnectionsPerIp: 100 },
    http: { listen: { host: HOST, port: 18026 } },
    delivery: { hold: true },
    scan: { enabled: !process.argv.includes('--no-scan') },
    platform: { signing: process.argv.includes('--signing') },
  });
  const body = makeMessage(size, 'load@bench.test', 'rcpt@example.net');
  if (warmup > 0) {
    const w = await runLoad({
      host: HOST, port: 13587, user: gw.user, pass: gw.pass, connections, plan: [{ count: warmup, body }],
      from: 'load@bench.test', rcpt: (i) => `w${i}@example.net`,
    });
    if (w.accepted !== warmup) throw new Error(`run ${run}: warm-up accepted ${w.accepted} of ${warmup}`);
  }
  const cpu0 = gw.cpuSeconds();
  const loadCpu0 = process.cpuUsage();
  const r = await runLoad({
    host: HOST, port: 13587, user: gw.user, pass: gw.pass, connections, plan: [{ count: messages, body }],
    from: 'load@bench.test', rcpt: (i) => `r${i}@example.net`,
  });
  const cpu = gw.cpuSeconds() - cpu0;
  if (process.env['BENCH_THREADS']) console.log('threads (CPU s since start, creation order):', gw.threadCpu().filter((t) => t.seconds >= 0.05).map((t) => `${t.name} ${t.seconds.toFixed(2)}`).join(', '));
  const lc = process.cpuUsage(loadCpu0);
  const loadCpu = (lc.user + lc.system) / 1e6;
  const rss = gw.peakRssMb();
  const queued = JSON.parse(gw.cli('queue', '--json')) as { messages: Record<string, number> };
  await gw.stop();
  const stored = Object.values(queued.messages).reduce((a, b) => a + b, 0) - warmup;
  if (r.refused > 0 || r.accepted !== messages || stored !== messages) throw new Error(`run ${run}: accepted ${r.accepted}, refused ${r.refused}, stored ${stored}`);
  const res = { rate: r.accepted / r.seconds, p50: percentile(r.latencies, 50), p99: percentile(r.latencies, 99), rss, cpu };
  results.push(res);
  console.log(
    `run ${run}: ${r.accepted} msgs x ${size} B over ${connections} conns in ${r.seconds.toFixed(2)} s = ${res.rate.toFixed(0)} msg/s; ` +
      `EOD→250 p50 ${res.p50.toFixed(2)} ms p99 ${res.p99.toFixed(2)} ms; gateway peak RSS ${rss.toFixed(0)} MB, CPU ${cpu.toFixed(1)} s (${((cpu / messages) * 1e6).toFixed(0)} µs/msg); load generator CPU ${loadCpu.toFixed(1)} s; all ${stored} stored`,
  );
}
console.log(
  `median of ${runs}: ${median(results.map((x) => x.rate)).toFixed(0)} msg/s, p50 ${median(results.map((x) => x.p50)).toFixed(2)} ms, ` +
    `p99 ${median(results.map((x) => x.p99)).toFixed(2)} ms, peak RSS ${median(results.map((x) => x.rss)).toFixed(0)} MB`,
);

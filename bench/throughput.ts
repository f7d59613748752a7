/**
 * npm run bench:throughput — end-to-end delivery rate through the gateway.
 *
 * For each message size (20,000 × 5 KB, then 2,000 × 100 KB) it measures:
 *  - the ceiling: the same load generator straight into a fast raw SMTP sink;
 *  - the gateway: 20 STARTTLS+AUTH submitters → gateway (real child process:
 *    fsync-durable spool, processing, delivery from 2 pool IPs) → the same
 *    sink, timed from the first submission to the last message at the sink.
 * Prints messages/s, the ratio to the ceiling, the gateway's CPU seconds per
 * 1,000 messages, its peak RSS and its CPU per message by thread group (main,
 * outpost-stage, outpost-spool…, helpers = V8 and libuv threads). The sink
 * runs in its own process.
 * Each gateway run is done with DKIM signing off and on (RSA-2048 tenant key
 * aligned with From, plus the platform's RSA-2048 signature); the extra CPU
 * per message is compared with the CPU of two bare RSA-2048 signatures
 * measured *during* the runs by a probe process (lib/rsa-probe.ts: on these
 * machines the cost of a signature moves by ±20 % with the load and the
 * minute); the reference measured before the runs and `openssl speed
 * rsa2048` are printed too. Each pair's extra is also given for the stage's
 * worker threads alone (outpost-stage: scanning and signing in one pool,
 * pipeline/stage-pool.ts; outpost-scan with signing off), against the same
 * reference.
 * Options: --small N --large N --connections N --runs N --signing off|on|both
 * --warmup N (messages sent through each freshly started gateway before the
 * measurement, default 2,000 of the phase's size, at most half the phase's
 * count: a cold process spends seconds of CPU compiling its hot paths in
 * every isolate; 0 measures cold)
 * --rate N (submit at N msg/s instead of as fast as replies allow: both
 * signing modes then take equally long)
 * --equal-load F (the equal-load pair's rate as a fraction of the
 * signing-on rate, default 0.5; 0 skips the pair, below)
 * --sign-threads N (the gateway's signing threads; default its own default).
 * Signing's extra CPU is printed twice, and only the second pair isolates it.
 * Saturated: each mode as fast as it goes, so the pair also differs in rate,
 * and the gateway's per-message cost falls as its rate rises (group commits
 * and thread messages carry more messages each): this overstates signing by
 * the cost of running everything else at the lower rate. (Signing off, paced
 * at the signing-on rate, costs more per message in the main, spool and scan
 * threads than signing on saturated does: docs/benchmarks.md, session 7.)
 * Equal load: both modes paced at the same rate, F of the signing-on rate;
 * at F = 0.5 no stage queues in either mode, so the pair differs in signing
 * alone — but on a virtual machine signing itself then costs more per
 * message than saturated (each message wakes a worker thread, and work
 * after an idle gap runs slower). Near 1 the signing-on run queues at the
 * scan/sign stage and the stages after it batch more: that understates
 * signing. Each phase ends with the medians over its runs. `npm run bench:sign` measures the signer alone.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startGatewayChild } from './lib/gateway-child.js';
import { makeMessage, runLoad } from './lib/smtp-load.js';
import { cpuByThreadGroup, median } from './lib/stats.js';
import { execFileSync } from 'node:child_process';
import { rsaSignCpuNow, startRsaProbe } from './lib/rsa-probe.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const HOST = '127.0.51.1';
const SINK_HOST = '127.0.51.20';
const connections = arg('connections', 20);
const signingArg = (() => {
  const i = process.argv.indexOf('--signing');
  return i > 0 ? process.argv[i + 1]! : 'both';
})();
const signingModes = signingArg === 'both' ? [false, true] : [signingArg === 'on'];
/** --sign-threads N: the gateway's platform.signingThreads (default: the gateway's own default). */
const signThreads = arg('sign-threads', 0);

function opensslRate(): string {
  try {
    const out = execFileSync('openssl', ['speed', '-seconds', '2', 'rsa2048'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const m = /rsa\s+2048 bits\s+[\d.]+s\s+[\d.]+s\s+([\d.]+)/.exec(out);
    return m ? `${m[1]} signatures/s` : 'unparsed';
  } catch {
    return 'openssl not available';
  }
}
const runs = arg('runs', 1);
/** --rate N: submit at N msg/s (both signing modes then run equally long) instead of as fast as possible. */
const pace = arg('rate', 0);
/** --warmup N: messages sent through each gateway before measuring (JIT warm-up; 0 = measure from a cold start). */
const warmup = arg('warmup', 2000);
/** After a saturated off/on pair, the same pair paced at this fraction of the signing-on rate (--equal-load 0: skip). */
const equalFraction = arg('equal-load', 0.5);
if (!(equalFraction >= 0 && equalFraction <= 1)) throw new Error(`--equal-load must be a fraction in 0..1, not ${equalFraction}`);
const equalLoad = pace === 0 && signingModes.length === 2 && equalFraction > 0;
if (signingModes.includes(true)) {
  const before = median([rsaSignCpuNow(100), rsaSignCpuNow(100), rsaSignCpuNow(100)]);
  console.log(`RSA-2048 signature before the runs: ${(before * 1e6).toFixed(0)} µs CPU each (node crypto); openssl speed rsa2048: ${opensslRate()} on one core`);
}
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

interface GatewayRun {
  readonly rate: number;
  readonly submitRate: number;
  readonly secs: number;
  /** Gateway CPU seconds per measured message. */
  readonly cpu: number;
  readonly rss: number;
  /** CPU seconds per measured message, per thread group (stats.ts cpuByThreadGroup). */
  readonly threads: ReadonlyMap<string, number>;
  /** CPU seconds of one bare RSA-2048 signature, sampled during the run (lib/rsa-probe.ts). */
  readonly rsa: number;
}

/** One gateway (fresh process, fresh sink) taking `count` messages of `body`, saturated or paced at `rate` msg/s. */
async function gatewayRun(count: number, body: Buffer, signing: boolean, rate: number): Promise<GatewayRun> {
  const sink = await startSinkProc(12526);
  const gw = await startGatewayChild({
    platform: { signing, ...(signThreads > 0 ? { signingThreads: signThreads } : {}) },
    smtp: { listen: [{ host: HOST, port: 13588, tls: 'starttls' }], maxConnectionsPerTenant: 100, maxConnectionsPerIp: 100 },
    http: { listen: { host: HOST, port: 18027 } },
    routes: [{ match: 'dest.test', host: SINK_HOST, port: sink.port }],
    pools: {
      default: { ips: [{ ip: '127.0.51.100', helo: 'out1.bench.test' }, { ip: '127.0.51.101', helo: 'out2.bench.test' }], maxConnectionsPerDestination: 8 },
      'high-risk': { ips: [{ ip: '127.0.51.200', helo: 'hr.bench.test' }] },
    },
  }, undefined, (cli) => {
    if (signing) cli('dkim', 'generate', 'bench.test', '--selector', 'bench', '--algo', 'rsa2048');
  });
  const warm = Math.min(warmup, Math.ceil(count / 2));
  if (warm > 0) {
    // Warm-up, not measured: V8 compiles the hot paths of every isolate (main, scanner, signers) once per
    // process, 6–10 s of CPU on a slow machine, which a steady-state gateway never pays again.
    const w = await runLoad({
      host: HOST, port: 13588, user: gw.user, pass: gw.pass, connections, plan: [{ count: warm, body }],
      from: 'load@bench.test', rcpt: (i) => `w${i}@dest.test`,
    });
    if (w.accepted !== warm) throw new Error(`warm-up: accepted ${w.accepted} of ${warm}`);
    await waitForCount(sink, warm, 300_000);
  }
  const cpu0 = gw.cpuSeconds();
  const threads0 = gw.threadCpu();
  const probe = await startRsaProbe();
  const t0 = process.hrtime.bigint();
  const submitted = await runLoad({
    host: HOST, port: 13588, user: gw.user, pass: gw.pass, connections, plan: [{ count, body }],
    from: 'load@bench.test', rcpt: (i) => `r${i}@dest.test`, ...(rate > 0 ? { rate } : {}),
  });
  if (submitted.accepted !== count) throw new Error(`accepted ${submitted.accepted} of ${count}`);
  await waitForCount(sink, warm + count, 300_000);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = gw.cpuSeconds() - cpu0;
  const rsa = await probe.stop();
  const byGroup = cpuByThreadGroup(gw.child.pid!, threads0, gw.threadCpu());
  const rss = gw.peakRssMb();
  await gw.stop();
  sink.child.kill();
  const perMsg = new Map([...byGroup].map(([g, s]) => [g, s / count]));
  return { rate: count / secs, submitRate: submitted.accepted / submitted.seconds, secs, cpu: cpu / count, rss, threads: perMsg, rsa };
}

/** "main 612, outpost-spool 290, …" µs CPU per message, largest first. */
const threadLine = (r: GatewayRun): string =>
  [...r.threads].sort((a, b) => b[1] - a[1]).map(([g, s]) => `${g} ${(s * 1e6).toFixed(0)}`).join(', ');

/** The worker-thread groups of the processing stage (scan only, sign only, or both in one pool). */
const STAGE_THREADS = ['outpost-stage', 'outpost-scan', 'outpost-sign'];
const stageCpu = (r: GatewayRun): number => STAGE_THREADS.reduce((sum, g) => sum + (r.threads.get(g) ?? 0), 0);

/**
 * Prints what signing adds in an off/on pair, for the whole gateway and for the stage's worker threads (where the
 * signing itself runs), each as a multiple of the pair's RSA reference (the mean of what the probe saw during each run).
 */
const reportExtra = (what: string, off: GatewayRun, on: GatewayRun): { whole: number; workers: number } => {
  const extra = on.cpu - off.cpu;
  const workers = stageCpu(on) - stageCpu(off);
  const rsa2 = off.rsa + on.rsa;
  console.log(
    `${what}: signing adds ${(extra * 1e6).toFixed(0)} µs CPU per message = ${(extra / rsa2).toFixed(2)}× the CPU of its two RSA-2048 signatures (${(rsa2 * 1e6).toFixed(0)} µs, measured during the runs); ` +
      `in the scan/sign worker threads ${(workers * 1e6).toFixed(0)} µs = ${(workers / rsa2).toFixed(2)}×`,
  );
  return { whole: extra / rsa2, workers: workers / rsa2 };
};
/** "1.21× (1.10 / 1.21 / 1.35)": the median, then every run. */
const ratios = (xs: readonly number[]): string => `${median([...xs]).toFixed(2)}× (${xs.map((x) => x.toFixed(2)).join(' / ')})`;

for (const phase of phases) {
  if (phase.count <= 0) continue;
  const body = makeMessage(phase.size, 'load@bench.test', 'rcpt@dest.test');
  const rates: number[] = [];
  const ceilings: number[] = [];
  const saturated: number[] = [];
  const equalPaced: number[] = [];
  const workersExtra: number[] = [];
  for (let run = 1; run <= runs; run++) {
    // Ceiling: load generator straight into the sink.
    const direct = await startSinkProc(12527);
    const c = await runLoad({
      host: SINK_HOST, port: direct.port, user: '', pass: '', connections, startTls: false, auth: false,
      plan: [{ count: phase.count, body }], from: 'load@bench.test', rcpt: (i) => `r${i}@dest.test`,
    });
    direct.child.kill();
    ceilings.push(c.accepted / c.seconds);

    const byMode = new Map<boolean, GatewayRun>();
    for (const signing of signingModes) {
      const r = await gatewayRun(phase.count, body, signing, pace);
      byMode.set(signing, r);
      if (!signing || signingModes.length === 1) rates.push(r.rate);
      console.log(
        `${phase.name} run ${run}, signing ${signing ? 'on' : 'off'}${pace ? `, paced at ${pace} msg/s` : ''}: ${phase.count} msgs end to end in ${r.secs.toFixed(2)} s = ${r.rate.toFixed(0)} msg/s ` +
          `(submission alone ${r.submitRate.toFixed(0)} msg/s); ceiling ${ceilings.at(-1)!.toFixed(0)} msg/s; ` +
          `ratio ${(r.rate / ceilings.at(-1)!).toFixed(2)}; gateway CPU ${(r.cpu * 1000).toFixed(2)} s per 1,000 msgs; peak RSS ${r.rss.toFixed(0)} MB`,
      );
      console.log(`  CPU per message by thread (µs): ${threadLine(r)}`);
    }
    const off = byMode.get(false);
    const on = byMode.get(true);
    if (!off || !on) continue;
    if (pace) {
      const e = reportExtra(`${phase.name} run ${run}, both paced at ${pace} msg/s`, off, on);
      equalPaced.push(e.whole);
      workersExtra.push(e.workers);
      continue;
    }
    const sat = reportExtra(`${phase.name} run ${run}, saturated (off at ${off.rate.toFixed(0)} msg/s, on at ${on.rate.toFixed(0)} msg/s)`, off, on);
    saturated.push(sat.whole);
    workersExtra.push(sat.workers);
    if (!equalLoad) continue;
    // The same messages at the same rate: the saturated pair above also differs in rate, and per-message cost
    // falls as the rate rises (group commit, batched thread messages). See the header for this pair's own bias.
    const equal = Math.floor(equalFraction * on.rate);
    const offEq = await gatewayRun(phase.count, body, false, equal);
    const onEq = await gatewayRun(phase.count, body, true, equal);
    console.log(`${phase.name} run ${run}, equal load: off ${offEq.rate.toFixed(0)} msg/s at ${(offEq.cpu * 1000).toFixed(2)} s CPU per 1,000 msgs, on ${onEq.rate.toFixed(0)} msg/s at ${(onEq.cpu * 1000).toFixed(2)} s`);
    console.log(`  CPU per message by thread (µs), off: ${threadLine(offEq)}`);
    console.log(`  CPU per message by thread (µs), on: ${threadLine(onEq)}`);
    equalPaced.push(reportExtra(`${phase.name} run ${run}, equal load (both paced at ${equal} msg/s, ${Math.round(equalFraction * 100)}% of the signing-on rate)`, offEq, onEq).whole);
  }
  console.log(`${phase.name} median of ${runs}: ${median(rates).toFixed(0)} msg/s end to end, ceiling ${median(ceilings).toFixed(0)} msg/s, ratio ${(median(rates) / median(ceilings)).toFixed(2)}`);
  if (workersExtra.length > 0) {
    const parts = [
      ...(saturated.length > 0 ? [`saturated ${ratios(saturated)}`] : []),
      ...(equalPaced.length > 0 ? [`equal load ${ratios(equalPaced)}`] : []),
      `scan/sign worker threads (${pace ? 'paced' : 'saturated'} pair) ${ratios(workersExtra)}`,
    ];
    console.log(`${phase.name} signing's extra CPU per message / its two RSA-2048 signatures, median of ${runs}: ${parts.join('; ')}`);
  }
}

/**
 * npm run bench:quarantine — quarantine at scale, through the real gateway
 * (in this process: cleanup → spool → processor with the scanner and the
 * policy decider; delivery on hold, so nothing leaves):
 *  1. submit N messages (default 100,000 × ~5 KB) through cleanup; the
 *     configured policy quarantines every class;
 *  2. wait until all N are quarantined (scanned, routed, recorded);
 *  3. the tenant's policy is changed to deliver, and the operator runs
 *     `outpost quarantine release --all --tenant bench` (the real CLI, a
 *     separate process on the same spool) — its wall time;
 *  4. wait until the gateway has re-scanned and routed every released message;
 *  while 3–4 run, one new message is submitted every 20 ms and its
 *  submission latency (cleanup → durable) is recorded: does the gateway stay
 *  responsive during a bulk release?
 * Options: --messages N. Prints one line per phase and a summary line.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../src/config/load.js';
import { startGateway } from '../src/gateway.js';
import { createLogger } from '../src/log/logger.js';
import { QuarantineAdmin } from '../src/quarantine/admin.js';
import { systemClock } from '../src/core/clock.js';
import { percentile } from './lib/stats.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('messages', 100_000);
const BIN = fileURLToPath(new URL('../../bin/outpost.js', import.meta.url));
const WORDS = 'meeting agenda quarterly report attached please review the figures before thursday thanks regards project update schedule budget team'.split(' ');

function message(i: number): Buffer {
  const lines: string[] = [];
  for (let l = 0; l < 70; l++) lines.push(Array.from({ length: 11 }, (_, k) => WORDS[(i * 7 + l * 3 + k) % WORDS.length]).join(' '));
  return Buffer.from(`From: Ann <ann@bench.test>\r\nTo: bob${i % 50}@example.net\r\nSubject: Report ${i}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${lines.join('\r\n')}\r\n`);
}

const sec = (ms: number): string => (ms / 1000).toFixed(1);
const until = async (f: () => boolean | Promise<boolean>, pollMs = 250): Promise<void> => {
  while (!(await f())) await new Promise((r) => setTimeout(r, pollMs));
};

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-q-'));
  const configObj = {
    dataDir: join(dir, 'var'), log: { level: 'warn' },
    smtp: { listen: [{ host: '127.0.0.1', port: 0 }] }, http: { listen: { host: '127.0.0.1', port: 0 } },
    scan: { enabled: true, threads: 1 }, limits: { enabled: false }, reputation: { enabled: false }, delivery: { hold: true }, platform: { signing: false },
    policy: { clean: 'quarantine', bulk: 'quarantine', suspect: 'quarantine', spam: 'quarantine', checkSenderDomain: false },
    pools: { default: { ips: [{ ip: '127.0.0.1', helo: 'localhost' }] }, 'high-risk': { ips: [{ ip: '127.0.0.1', helo: 'localhost' }] } },
  };
  const configFile = join(dir, 'outpost.json');
  writeFileSync(configFile, JSON.stringify(configObj));
  const gw = await startGateway({ config: parseConfig(configObj), log: createLogger('warn') });
  gw.tenants.add('bench', ['bench.test']);
  const admin = QuarantineAdmin.open(configObj.dataDir, systemClock);
  let peakRss = 0;
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
  const submit = (i: number) =>
    gw.cleanup.submit({ tenantId: 'bench', source: 'http', clientIp: '127.0.0.1', envelope: { mailFrom: 'ann@bench.test', rcptTo: [`bob${i % 50}@example.net`] }, raw: message(i), protocol: 'HTTPA' });

  // 1–2: submit and quarantine N messages.
  const t0 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: 200 }, async () => {
    while (next < N) await submit(next++);
  }));
  const tSubmitted = performance.now();
  await until(() => admin.count({ tenantId: 'bench' }) >= N, 500);
  const tQuarantined = performance.now();
  console.log(`quarantine: ${N} messages submitted in ${sec(tSubmitted - t0)} s, all quarantined (scanned, routed, recorded) after ${sec(tQuarantined - t0)} s = ${Math.round(N / ((tQuarantined - t0) / 1000))} msg/s`);

  // 3–4: change the tenant's policy, bulk-release with the CLI, let the gateway re-route.
  for (const c of ['clean', 'bulk', 'suspect', 'spam'] as const) gw.policy.store.set('bench', c, { action: 'deliver', pool: 'default' });
  const lat: number[] = [];
  const failures: string[] = [];
  let probing = true;
  let probeId = N;
  const probe = (async () => {
    while (probing) {
      const s = performance.now();
      try {
        await submit(probeId++);
        lat.push(performance.now() - s);
      } catch (e) {
        failures.push((e as Error).message);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const t1 = performance.now();
  const cliOut = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'quarantine', 'release', '--all', '--tenant', 'bench', '--by', 'bench', '--batch', '1000', '--config', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => process.stderr.write(`  cli: ${d.toString()}`));
    child.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`CLI exited ${code}: ${out}`))));
  });
  const tReleased = performance.now();
  await until(async () => {
    const c = await gw.spool.counts();
    return (c.messages['incoming'] ?? 0) + (c.messages['processing'] ?? 0) === 0 && admin.count({ tenantId: 'bench' }) === 0;
  }, 500);
  const tRouted = performance.now();
  probing = false;
  await probe;
  const stats = gw.policy.decider.stats();
  console.log(`release: CLI "${cliOut}" — wall ${sec(tReleased - t1)} s; the gateway re-scanned and routed all ${N} after ${sec(tRouted - t1)} s = ${Math.round(N / ((tRouted - t1) / 1000))} msg/s`);
  lat.sort((a, b) => a - b);
  console.log(`responsiveness during release: ${lat.length} submissions (${failures.length} refused${failures.length ? `: ${failures[0]}` : ''}), latency p50 ${percentile(lat, 50).toFixed(1)} ms, p99 ${percentile(lat, 99).toFixed(1)} ms, max ${Math.max(...lat).toFixed(1)} ms; decider: ${JSON.stringify(stats)}; peak RSS ${Math.round(peakRss / 1048576)} MB`);
  console.log(`summary: N=${N} quarantine ${sec(tQuarantined - t0)} s, bulk release (CLI) ${sec(tReleased - t1)} s, re-routed ${sec(tRouted - t1)} s, probe p99 ${percentile(lat, 99).toFixed(1)} ms, ${failures.length} probe failures`);
  clearInterval(rssTimer);
  admin.close();
  await gw.stop();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

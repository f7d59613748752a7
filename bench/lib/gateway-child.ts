/**
 * Runs the real gateway (`bin/outpost.js start`) as a child process for
 * benchmarks, with a config written to a fresh temporary directory, one
 * tenant created through the CLI, and helpers to read the child's peak RSS
 * and CPU time.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuSeconds, peakRssMb, threadCpuSeconds } from './stats.js';
import { waitForPort } from '../../test/support/wait-port.js';

const BIN = fileURLToPath(new URL('../../../bin/outpost.js', import.meta.url));

export interface GatewayChild {
  readonly child: ChildProcess;
  readonly dir: string;
  readonly configFile: string;
  readonly user: string;
  readonly pass: string;
  peakRssMb(): number;
  cpuSeconds(): number;
  /** CPU seconds per thread, in creation order (main thread first). */
  threadCpu(): Array<{ tid: number; name: string; seconds: number }>;
  cli(...args: string[]): string;
  stop(): Promise<void>;
}


/** `config` is merged as-is (JSON is YAML); it must set smtp.listen[0] host and port. */
export async function startGatewayChild(
  config: Record<string, unknown>,
  tenant = { id: 'bench', domain: 'bench.test' },
  /** Runs after the tenant exists and before the gateway starts (e.g. `dkim generate`). */
  beforeStart?: (cli: (...args: string[]) => string) => void,
): Promise<GatewayChild> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-'));
  const configFile = join(dir, 'outpost.yaml');
  // The feedback listener on the SMTP host, port 0, unless configured: two children never compete for 127.0.0.1:2525.
  const smtpHost = (config['smtp'] as { listen: Array<{ host: string }> }).listen[0]!.host;
  const feedback = { listen: { host: smtpHost, port: 0 }, ...(config['feedback'] as Record<string, unknown> | undefined) };
  // BENCH_GW_CONFIG='{"flowControl":{"maxBacklog":250}}': top-level config sections replaced for A/B runs.
  const extraConfig = JSON.parse(process.env['BENCH_GW_CONFIG'] ?? '{}') as Record<string, unknown>;
  writeFileSync(configFile, JSON.stringify({ dataDir: join(dir, 'var'), log: { level: 'warn' }, limits: { enabled: false }, ...config, feedback, ...extraConfig }, null, 2));
  const cli = (...args: string[]): string => {
    const r = spawnSync(process.execPath, [BIN, ...args, '--config', configFile], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`outpost ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  cli('tenant', 'add', tenant.id, '--domain', tenant.domain);
  const creds = JSON.parse(cli('tenant', 'credentials', tenant.id, '--json')) as { smtp: { username: string; password: string } };
  beforeStart?.(cli);
  // As `npm start` runs it: MALLOC_ARENA_MAX=2 (glibc arenas per thread otherwise fragment) and the
  // main isolate's young generation capped (--max-semi-space-size=4); see docs/operations.md.
  // BENCH_GW_NODE_FLAGS="--flag …": extra Node/V8 flags for the gateway process (A/B runs).
  const extra = (process.env['BENCH_GW_NODE_FLAGS'] ?? '').split(/\s+/).filter(Boolean);
  const prof = process.env['BENCH_PROF'] ? ['--cpu-prof', '--cpu-prof-dir', process.env['BENCH_PROF']] : [];
  const child = spawn(process.execPath, [...prof, '--max-semi-space-size=4', ...extra, BIN, 'start', '--config', configFile], {
    // BENCH_GW_STDOUT=1 shows the gateway's JSON log (for debugging a benchmark).
    stdio: ['ignore', process.env.BENCH_GW_STDOUT ? 'inherit' : 'ignore', 'inherit'],
    env: { ...process.env, MALLOC_ARENA_MAX: process.env['MALLOC_ARENA_MAX'] ?? '2' },
  });
  const listen = (config['smtp'] as { listen: Array<{ host: string; port: number }> }).listen[0]!;
  await waitForPort(listen.host, listen.port);
  return {
    child, dir, configFile, user: creds.smtp.username, pass: creds.smtp.password, cli,
    peakRssMb: () => peakRssMb(child.pid!),
    cpuSeconds: () => cpuSeconds(child.pid!),
    threadCpu: () => threadCpuSeconds(child.pid!),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

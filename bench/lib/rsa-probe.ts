/**
 * The CPU cost of one bare RSA-2048 SHA-256 signature, measured *while* a
 * benchmark runs, by a small child process of its own: every `everyMs` it
 * signs `batch` times and reads its CPU time around that (getrusage: the
 * process does nothing else, so it is exact). These machines change speed by
 * ±20 % from one minute to the next (other guests on the host), so a
 * reference taken before a run can be far from the RSA cost during it;
 * sampled across the run, it sees the same machine the gateway did.
 * Costs the machine about batch × 0.3 ms of CPU every everyMs.
 */
import { fork } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { median } from './stats.js';

const DATA = Buffer.alloc(512, 1);
let key: ReturnType<typeof generateKeyPairSync>['privateKey'] | undefined;

/** CPU seconds per signature over `n` signatures now, in this process (which should be doing nothing else). */
export function rsaSignCpuNow(n: number): number {
  key ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) sign('sha256', DATA, key);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6 / n;
}

export interface RsaProbe {
  /** Stops sampling; resolves to the median CPU seconds per signature over the samples. */
  stop(): Promise<number>;
}

export async function startRsaProbe(everyMs = 500, batch = 8): Promise<RsaProbe> {
  const child = fork(fileURLToPath(import.meta.url), ['--rsa-probe', String(everyMs), String(batch)], { stdio: 'inherit' });
  await new Promise<void>((resolve) => child.once('message', () => resolve()));
  return {
    stop: () =>
      new Promise<number>((resolve) => {
        child.once('message', (m: { median: number }) => resolve(m.median));
        child.send('stop');
      }),
  };
}

if (process.argv[2] === '--rsa-probe') {
  const [everyMs, batch] = [Number(process.argv[3]), Number(process.argv[4])];
  rsaSignCpuNow(4); // key and code warm
  const samples: number[] = [];
  const timer = setInterval(() => samples.push(rsaSignCpuNow(batch)), everyMs);
  process.on('message', () => {
    clearInterval(timer);
    if (samples.length === 0) samples.push(rsaSignCpuNow(batch));
    process.send!({ median: median(samples) }, () => process.exit(0));
  });
  process.send!('ready');
}

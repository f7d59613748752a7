/**
 * Signing cost: how close DKIM signing comes to its unavoidable cryptography.
 *
 * Prints, for RSA-2048 with two signatures per message (tenant + platform):
 *   - `openssl speed rsa2048` signatures/s (reference; skipped if no openssl)
 *   - Node's bare crypto.sign: CPU per RSA-2048 signature
 *   - mailauth's dkimSign: messages/s and CPU per message (why we do not use it)
 *   - Outpost's signer (src/sign): messages/s with 32 in flight, CPU per
 *     message, the ratio to 2 bare signatures, and the main thread's share,
 *     in rounds alternating with a bare async RSA run; the median ratio last;
 *   - the same for the worker-thread pool the gateway uses, signing alone
 *     (src/pipeline/stage-pool.ts, as for bounces; tenant mail is signed in
 *     the same worker turn as its scan there; the workers sign
 *     synchronously), against bare synchronous RSA, with the
 *     main thread's share (what the event loop still pays per message).
 *   - with --rate N, the pool rounds submit N messages/s one at a time
 *     instead of 32 in flight, and also print the pool's CPU without the
 *     main thread (whose pacing timers are the bench's own): what the
 *     signing threads cost per message when each message wakes one.
 * Run: npm run bench:sign  [-- --messages 2000 --body-kb 4 --rounds 3 --rate N]
 * Limits: CPU figures come from process.cpuUsage (all threads) and, on
 * Linux, /proc schedstat for the main thread; other load on the machine
 * changes wall-clock rates but much less the CPU-per-message figures.
 */
import { spawnSync } from 'node:child_process';
import { sign as cryptoSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dkimSign } from 'mailauth';
import { generateDkimKey, loadPrivateKey } from '../src/sign/dkim-key.js';
import { createSigner } from '../src/sign/signer.js';
import { createStagePool } from '../src/pipeline/stage-pool.js';
import { median } from './lib/stats.js';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}
const MESSAGES = arg('messages', 2000);
const BODY_KB = arg('body-kb', 4);
const ROUNDS = arg('rounds', 3);
/** --rate N: pool rounds paced at N msg/s (0: 32 in flight, as fast as they go). */
const RATE = arg('rate', 0);

function cpuMs(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}
function mainThreadMs(): number | null {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return null;
  }
}

function opensslRate(): number | null {
  const r = spawnSync('openssl', ['speed', '-seconds', '3', 'rsa2048'], { encoding: 'utf8' });
  const m = /rsa\s+2048 bits\s+[\d.]+s\s+[\d.]+s\s+([\d.]+)/.exec(r.stdout ?? '');
  return m ? Number(m[1]) : null;
}

function message(i: number): Buffer {
  const line = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod.\r\n';
  return Buffer.from(
    `From: "Acme" <news@acme.example>\r\nTo: user${i}@receiver.example\r\nSubject: Offer ${i}\r\n` +
      `Date: Sun, 01 Mar 2026 12:00:00 +0000\r\nMessage-ID: <${i}@acme.example>\r\nMIME-Version: 1.0\r\n` +
      `Content-Type: text/plain; charset=utf-8\r\n\r\n` + line.repeat(Math.ceil((BODY_KB * 1024) / line.length)),
  );
}

async function runConcurrent(n: number, inFlight: number, one: (i: number) => Promise<unknown>): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    let started = 0;
    let done = 0;
    const pump = (): void => {
      while (started - done < inFlight && started < n) {
        const i = started++;
        one(i).then(() => {
          if (++done === n) resolve();
          else pump();
        }, reject);
      }
    };
    pump();
  });
}

/** Starts one call every 1/rate s (timers, so at most ~1 ms late), then waits for all of them. */
async function runPaced(n: number, rate: number, one: (i: number) => Promise<unknown>): Promise<void> {
  const start = performance.now();
  const all: Array<Promise<unknown>> = [];
  for (let i = 0; i < n; i++) {
    const wait = start + (i * 1000) / rate - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    all.push(one(i));
  }
  await Promise.all(all);
}

async function main(): Promise<void> {
  const [tenantKey, platformKey] = await Promise.all([generateDkimKey('rsa2048'), generateDkimKey('rsa2048')]);
  const msgs = Array.from({ length: 64 }, (_, i) => message(i));

  const ossl = opensslRate();
  console.log(`openssl speed rsa2048: ${ossl === null ? 'n/a' : ossl.toFixed(0) + ' sign/s (one core)'}`);

  const key = loadPrivateKey(tenantKey.privateKeyPem);
  const data = Buffer.from('x'.repeat(600));
  for (let i = 0; i < 200; i++) cryptoSign('sha256', data, key);
  let c0 = cpuMs();
  const bare = 2000;
  for (let i = 0; i < bare; i++) cryptoSign('sha256', data, key);
  const rsaCpu = (cpuMs() - c0) / bare;
  console.log(`node crypto.sign rsa2048, synchronous: ${(rsaCpu * 1000).toFixed(0)} µs CPU per signature (${(1000 / rsaCpu).toFixed(0)}/s per core)`);
  const maN = Math.min(MESSAGES, 400);
  c0 = cpuMs();
  let t0 = performance.now();
  for (let i = 0; i < maN; i++) {
    await dkimSign(msgs[i % msgs.length]!, {
      canonicalization: 'relaxed/relaxed',
      signatureData: [
        { signingDomain: 'acme.example', selector: 's1', privateKey: tenantKey.privateKeyPem },
        { signingDomain: 'outpost.example', selector: 'p1', privateKey: platformKey.privateKeyPem },
      ],
    } as Parameters<typeof dkimSign>[1]);
  }
  let wall = performance.now() - t0;
  const maCpu = (cpuMs() - c0) / maN;
  console.log(
    `mailauth dkimSign, 2 signatures/message: ${((maN / wall) * 1000).toFixed(0)} msg/s, ` +
      `${(maCpu * 1000).toFixed(0)} µs CPU/msg = ${(maCpu / (2 * rsaCpu)).toFixed(2)}x the 2 RSA operations`,
  );

  const signer = createSigner({ platform: { domain: 'outpost.example', selector: 'p1', privateKeyPem: platformKey.privateKeyPem } });
  const tenant = { id: 'acme', domain: 'acme.example', selector: 's1', privateKeyPem: tenantKey.privateKeyPem };
  const one = (i: number) => signer.sign({ raw: msgs[i % msgs.length]!, tenant, feedbackId: `c:acme:bulk:outpost1`, cfblAddress: 'fbl@outpost.example' });
  // The bare operation under the same conditions: async, in the thread pool, many in flight.
  const signAsync = (): Promise<Buffer> => new Promise((res, rej) => cryptoSign('sha256', data, key, (e, s) => (e ? rej(e) : res(s))));
  await runConcurrent(200, 16, one); // warm-up
  // Rounds alternate the bare RSA run and the signer run, so that load from
  // other processes hits both alike; the median ratio is the figure to quote.
  const ratios: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    c0 = cpuMs();
    t0 = performance.now();
    await runConcurrent(2 * MESSAGES, 64, signAsync);
    const bareWall = performance.now() - t0;
    const bareCpu = (cpuMs() - c0) / (2 * MESSAGES);
    c0 = cpuMs();
    const m0 = mainThreadMs();
    t0 = performance.now();
    await runConcurrent(MESSAGES, 32, one);
    wall = performance.now() - t0;
    const ourCpu = (cpuMs() - c0) / MESSAGES;
    const m1 = mainThreadMs();
    ratios.push(ourCpu / (2 * bareCpu));
    console.log(
      `round ${round}: bare async RSA ${(bareCpu * 1000).toFixed(0)} µs CPU/sig (${(((2 * MESSAGES) / bareWall) * 1000).toFixed(0)} sig/s); ` +
        `outpost signer ${BODY_KB} KB body, 32 in flight: ${((MESSAGES / wall) * 1000).toFixed(0)} msg/s, ` +
        `${(ourCpu * 1000).toFixed(0)} µs CPU/msg = ${(ourCpu / (2 * bareCpu)).toFixed(2)}x its 2 RSA operations, ` +
        `cores busy ${((ourCpu * MESSAGES) / wall).toFixed(2)}` +
        (m0 !== null && m1 !== null ? `, main thread ${(((m1 - m0) / (ourCpu * MESSAGES)) * 100).toFixed(0)}% of the CPU` : ''),
    );
  }
  console.log(`median CPU per message / CPU of its 2 RSA-2048 signatures: ${median(ratios).toFixed(2)}x`);

  const pool = createStagePool({ signer: { platform: { domain: 'outpost.example', selector: 'p1', privateKeyPem: platformKey.privateKeyPem } }, threads: 2 });
  const viaPool = (i: number) => pool.signer!.sign({ raw: msgs[i % msgs.length]!, tenant, feedbackId: `c:acme:bulk:outpost1`, cfblAddress: 'fbl@outpost.example' });
  await runConcurrent(200, 32, viaPool); // warm-up: workers parse their keys
  const poolRatios: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    c0 = cpuMs();
    for (let i = 0; i < 2 * MESSAGES; i++) cryptoSign('sha256', data, key);
    const bareCpu = (cpuMs() - c0) / (2 * MESSAGES);
    c0 = cpuMs();
    const m0 = mainThreadMs();
    t0 = performance.now();
    await (RATE > 0 ? runPaced(MESSAGES, RATE, viaPool) : runConcurrent(MESSAGES, 32, viaPool));
    wall = performance.now() - t0;
    const ourCpu = (cpuMs() - c0) / MESSAGES;
    const m1 = mainThreadMs();
    const mainCpu = m0 !== null && m1 !== null ? (m1 - m0) / MESSAGES : null;
    // Paced, the main thread's share is mostly the bench's timers: the ratio is taken without it.
    const counted = RATE > 0 && mainCpu !== null ? ourCpu - mainCpu : ourCpu;
    poolRatios.push(counted / (2 * bareCpu));
    console.log(
      `pool round ${round}: bare sync RSA ${(bareCpu * 1000).toFixed(0)} µs CPU/sig; stage pool signing alone (2 threads) ${BODY_KB} KB body${RATE > 0 ? `, paced at ${RATE} msg/s` : ''}: ${((MESSAGES / wall) * 1000).toFixed(0)} msg/s, ` +
        `${(ourCpu * 1000).toFixed(0)} µs CPU/msg = ${(ourCpu / (2 * bareCpu)).toFixed(2)}x its 2 RSA operations, cores busy ${((ourCpu * MESSAGES) / wall).toFixed(2)}` +
        (mainCpu !== null ? `, main thread ${(mainCpu * 1000).toFixed(0)} µs/msg (${((mainCpu / ourCpu) * 100).toFixed(0)}%)` : '') +
        (RATE > 0 && mainCpu !== null ? `; without the main thread ${(counted * 1000).toFixed(0)} µs/msg = ${(counted / (2 * bareCpu)).toFixed(2)}x` : ''),
    );
  }
  await pool.close();
  console.log(`stage pool signing alone${RATE > 0 ? ` paced at ${RATE} msg/s, without the main thread` : ''}: median CPU per message / CPU of its 2 RSA-2048 signatures: ${median(poolRatios).toFixed(2)}x`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

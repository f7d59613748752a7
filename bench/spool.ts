/**
 * npm run bench:spool — the spool alone: N concurrent writers each enqueue
 * messages back to back (each waits for its durable commit, as an SMTP
 * session waits for its 250), then the processor's claim + route. Prints
 * messages/s, commit latency percentiles and CPU per message (all threads:
 * steadier than rates on a busy machine) for the threaded and the in-process
 * SQLite spool. Options: --messages N --writers N --size BYTES.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeMessage as makeSpoolMessage } from '../src/spool/spool.suite.js';
import { SqliteSpool } from '../src/spool/sqlite/sqlite-spool.js';
import { ThreadedSqliteSpool } from '../src/spool/sqlite/threaded-spool.js';
import type { Spool } from '../src/spool/spool.js';
import { percentile } from './lib/stats.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const messages = arg('messages', 20_000);
const writers = arg('writers', 20);
const size = arg('size', 5 * 1024);
const raw = Buffer.alloc(size, 'x');

async function run(name: string, spool: Spool): Promise<void> {
  let next = 0;
  const lat: number[] = [];
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  let processing = true;
  const processor = (async () => {
    while (processing || next < messages) {
      const batch = await spool.claimIncoming(256);
      if (batch.length === 0) {
        await new Promise((r) => setTimeout(r, 1));
        if (!processing) break;
        continue;
      }
      await Promise.all(batch.map((m) => spool.route(m.id, { route: { kind: 'deliver', pool: 'default', why: 'bench' } }, Date.now())));
    }
  })();
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (next < messages) {
        next++;
        const m = makeSpoolMessage({ raw, rcpts: ['r@dest.test'] });
        const t = process.hrtime.bigint();
        await spool.enqueue(m, [{ type: 'received' }, { type: 'queued' }]);
        lat.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
    }),
  );
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  processing = false;
  await processor;
  const cpu = process.cpuUsage(cpu0);
  lat.sort((a, b) => a - b);
  console.log(`${name}: ${messages} enqueues x ${size} B by ${writers} writers: ${(messages / secs).toFixed(0)} msg/s; commit wait p50 ${percentile(lat, 50).toFixed(2)} ms p99 ${percentile(lat, 99).toFixed(2)} ms; CPU ${((cpu.user + cpu.system) / messages).toFixed(0)} µs/msg (all threads)`);
  await spool.close();
}

const dir = mkdtempSync(join(tmpdir(), 'bench-spool-'));
await run('threaded (writer thread)', await ThreadedSqliteSpool.open(join(dir, 'a.db')));
await run('in-process', new SqliteSpool(join(dir, 'b.db')));

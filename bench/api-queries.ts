/**
 * npm run bench:api — the cost of what the API and metrics add:
 * 1. queue searches and gauges (src/admin/queue-search.ts) over a spool of
 *    --messages N (default 300,000) messages of 10,000 tenants, 1% unfinished;
 * 2. the event store on the main thread: building, appending and handing
 *    1000 events to the writer thread (what the mail path pays), against
 *    writing them in-thread with their webhook outbox rows.
 * Prints milliseconds per operation (mean of 20 runs, best of 8 for events).
 */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { QueueSearch } from '../src/admin/queue-search.js';
import type { PlatformEvent } from '../src/events/bus.js';
import { EventStore } from '../src/events/store.js';
import { ThreadedEventStore } from '../src/events/store-threaded.js';
import { MIGRATIONS } from '../src/spool/sqlite/schema.js';
import { WebhookStore } from '../src/webhooks/store.js';

const { values } = parseArgs({ options: { messages: { type: 'string' } } });
const N = Number(values.messages ?? 300_000);
const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-api-'));
const clock = { now: () => Date.now() };

const file = join(dir, 'spool.db');
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.exec(MIGRATIONS[0]!);
const insM = db.prepare(`INSERT INTO messages (id, tenant_id, source, client_ip, mail_from, size, rcpt_count, received_at, updated_at, state) VALUES (?, ?, 'smtp', '192.0.2.1', 'a@b.example', 1000, 1, ?, ?, ?)`);
const insR = db.prepare(`INSERT INTO recipients (message_id, idx, rcpt, domain, state, updated_at) VALUES (?, 0, ?, ?, 'delivered', ?)`);
db.transaction(() => {
  for (let i = 0; i < N; i++) {
    const id = String(i).padStart(20, '0');
    insM.run(id, `t${i % 10_000}`, 1e12 + i, 1e12 + i, i % 100 === 0 ? 'active' : 'done');
    insR.run(id, `user${i % 50_000}@d${i % 300}.example`, `d${i % 300}.example`, 1e12 + i);
  }
})();
db.close();

const ms = (f: () => unknown, runs = 20): string => {
  const t0 = process.hrtime.bigint();
  for (let k = 0; k < runs; k++) f();
  return (Number(process.hrtime.bigint() - t0) / 1e6 / runs).toFixed(2);
};
const q = new QueueSearch(file);
console.log(`queue search over ${N} messages, 10,000 tenants (ms per page of 50):`);
console.log(`  no filter ${ms(() => q.search({}, 51))}  tenant ${ms(() => q.search({ tenantId: 't42' }, 51))}  state=active ${ms(() => q.search({ state: 'active' }, 51))}  rcpt ${ms(() => q.search({ rcpt: 'user7@d7.example' }, 51))}  tenant+state ${ms(() => q.search({ tenantId: 't100', state: 'active' }, 51))}  gauges ${ms(() => q.gauges())}`);
q.close();

const ev = (i: number): PlatformEvent => ({
  type: 'delivered', at: Date.now(), tenantId: `t${i % 50}`, messageId: `01M8FRVDA0KF7Q2F${String(i).padStart(4, '0')}`,
  data: { pool: 'default', ip: '192.0.2.1', destination: 'example.net', recipients: [{ rcpt: 'bob@example.net', state: 'delivered', reply: { code: 250, enhanced: '2.0.0', text: 'OK queued as 12345' } }] },
});
const threaded = new ThreadedEventStore(join(dir, 'events.db'), clock, { retentionMs: 1e12, flushIntervalMs: 1e9 });
const inline = new EventStore(join(dir, 'events-inline.db'), clock, { retentionMs: 1e12, flushIntervalMs: 1e9 });
const hooks = new WebhookStore(inline.db, clock);
hooks.create({ tenantId: 't1', url: 'http://hooks.example/', types: ['delivered'] });
inline.onCommit((rows) => hooks.enqueue(rows));
let bestThreaded = Infinity;
let bestInline = Infinity;
for (let round = 0; round < 8; round++) {
  let t0 = process.hrtime.bigint();
  for (let i = 0; i < 1000; i++) threaded.append(ev(i));
  (threaded as unknown as { flush(): void }).flush();
  bestThreaded = Math.min(bestThreaded, Number(process.hrtime.bigint() - t0) / 1e6);
  t0 = process.hrtime.bigint();
  for (let i = 0; i < 1000; i++) inline.append(ev(i));
  inline.flush();
  bestInline = Math.min(bestInline, Number(process.hrtime.bigint() - t0) / 1e6);
  await new Promise((r) => setTimeout(r, 200));
}
console.log(`event store, main-thread ms per 1000 events (best of 8): writer thread ${bestThreaded.toFixed(2)}, in-thread with outbox ${bestInline.toFixed(2)}`);
await threaded.close();
inline.close();

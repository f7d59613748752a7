/**
 * npm run bench:console — how fast the web console loads on a big gateway:
 * 1. seeds a fresh data directory straight through SQLite (bulk inserts in
 *    transactions): 10,000 tenants (1 % not in normal standing), 1,000,000
 *    messages over the last 24 hours with their recipients (1 % still
 *    queued, 0.2 % quarantined), and the console rollup those messages'
 *    events would have produced (the events go through the real
 *    StatsRollup.add, in batches, as the event store's writer does);
 * 2. starts the gateway on it;
 * 3. in headless Chromium, measures the time until the dashboard and the
 *    tenants page are fully rendered (median of 5 loads each, plus the first,
 *    cold one), from navigation start;
 * 4. measures the API latency of every endpoint the console calls (median and
 *    p95 of 20 calls, from Node over loopback).
 * Options: --tenants N, --messages N, --loads N. Needs /usr/bin/chromium.
 * Run it with `nice -n 5` on a shared machine. Addresses 127.0.187.x.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { PlatformEvent } from '../src/events/bus.js';
import { EventStore } from '../src/events/store.js';
import { openSqlite } from '../src/db/sqlite.js';
import { ReputationStore } from '../src/reputation/store.js';
import { openSpoolDb } from '../src/spool/sqlite/open.js';
import { MINUTE_MS } from '../src/stats/schema.js';
import { TenantStore } from '../src/tenants/store.js';
import { startApiGateway } from '../test/api-support.js';
import { chromiumMissing, launchBrowser, signIn } from '../test/console/support.js';

const { values } = parseArgs({ options: { tenants: { type: 'string' }, messages: { type: 'string' }, loads: { type: 'string' }, keep: { type: 'boolean' } } });
const TENANTS = Number(values.tenants ?? 10_000);
const MESSAGES = Number(values.messages ?? 1_000_000);
const LOADS = Number(values.loads ?? 5);
const DAY = 86_400_000;

const skip = chromiumMissing();
if (skip) {
  console.error(skip);
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-console-'));
const now = Date.now();
const tenantId = (i: number): string => `tenant-${String(i).padStart(5, '0')}`;
// Skewed volume: a few big senders, a long tail.
const tenantOf = (i: number): number => Math.floor(TENANTS * Math.pow((i * 0.6180339887) % 1, 2.2));
const t0 = process.hrtime.bigint();
const since = (t: bigint): string => `${(Number(process.hrtime.bigint() - t) / 1e9).toFixed(1)} s`;

// ---- state.db: tenants, domains, standings -------------------------------------
{
  const state = openSqlite(join(dir, 'state.db'));
  new TenantStore(state, { now: () => now });
  const rep = new ReputationStore(state);
  state.pragma('synchronous = OFF');
  const insT = state.prepare('INSERT INTO tenants (id, enabled, created_at) VALUES (?, ?, ?)');
  const insD = state.prepare('INSERT INTO tenant_domains (domain, tenant_id, added_at) VALUES (?, ?, ?)');
  state.transaction(() => {
    for (let i = 0; i < TENANTS; i++) {
      insT.run(tenantId(i), i % 500 === 7 ? 0 : 1, now - 90 * DAY);
      insD.run(`${tenantId(i)}.example`, tenantId(i), now - 90 * DAY);
    }
  })();
  const levels = ['watch', 'throttled', 'high-risk-only', 'suspended'] as const;
  state.transaction(() => {
    for (let i = 3; i < TENANTS; i += 100) {
      const to = levels[(i / 100) % 4 | 0]!;
      rep.transition({ tenantId: tenantId(i), at: now - (i % 600) * 60_000, from: 'normal', to, trigger: 'evidence', actor: 'engine', reason: `spam-share over the ${to} threshold`, evidence: [{ rule: 'spam-share', signal: 'spamShare', window: 'short', windowMs: 600_000, value: 0.12, volume: 300, floor: 20, level: to, threshold: 0.1 }] });
    }
  })();
  state.close();
}

// ---- spool.db: messages, recipients, queued jobs; events.db: the rollup ---------
{
  const spool = openSpoolDb(join(dir, 'spool.db'));
  spool.pragma('synchronous = OFF');
  const insM = spool.prepare(`INSERT INTO messages (id, tenant_id, source, client_ip, mail_from, size, rcpt_count, received_at, updated_at, state, subject, header_from, verdict, route)
    VALUES (?, ?, 'smtp', '192.0.2.1', ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)`);
  const insR = spool.prepare(`INSERT INTO recipients (message_id, idx, rcpt, domain, state, updated_at) VALUES (?, 0, ?, ?, ?, ?)`);
  const insJ = spool.prepare(`INSERT INTO jobs (message_id, tenant_id, domain, pool, state, attempts, next_at, created_at) VALUES (?, ?, ?, 'default', 'queued', 1, ?, ?)`);
  const events = new EventStore(join(dir, 'events.db'), { now: () => now }, { retentionMs: 30 * DAY, flushIntervalMs: 1e9 });
  events.db.pragma('synchronous = OFF');
  const BATCH = 50_000;
  const verdict = (cls: string, score: number): string => JSON.stringify({ class: cls, score, reasons: cls === 'clean' ? [] : [{ rule: 'model', detail: `p(spam)=${score}` }, { rule: 'url-shortener', detail: 'URL shortener bit.ly' }] });
  for (let start = 0; start < MESSAGES; start += BATCH) {
    const batch: PlatformEvent[] = [];
    spool.transaction(() => {
      for (let i = start; i < Math.min(start + BATCH, MESSAGES); i++) {
        const at = now - DAY + Math.floor((i / MESSAGES) * DAY);
        const id = `${at.toString(36).padStart(9, '0')}${String(i).padStart(11, '0')}`;
        const t = tenantId(tenantOf(i));
        const r = (i * 2654435761) % 1000;
        const cls = r < 15 ? 'spam' : r < 40 ? 'suspect' : r < 120 ? 'bulk' : 'clean';
        const state = r === 999 || r === 998 ? 'quarantined' : i % 100 === 50 ? 'active' : 'done';
        const rcpt = `user${i % 50_000}@d${i % 300}.example`;
        const rstate = state === 'active' ? 'queued' : state === 'quarantined' ? 'held' : r % 50 === 1 ? 'failed' : 'delivered';
        insM.run(id, t, `news@${t}.example`, 2000 + (i % 5000), at, at + 1000, state, `Newsletter ${i % 97}`, `News <news@${t}.example>`, verdict(state === 'quarantined' ? 'spam' : cls, state === 'quarantined' ? 0.97 : 0.1), JSON.stringify({ kind: 'deliver', pool: 'default', why: 'clean → deliver:default' }));
        insR.run(id, rcpt, `d${i % 300}.example`, rstate, at + 1000);
        if (state === 'active') insJ.run(id, t, `d${i % 300}.example`, at + 3_600_000, at);
        const base = { tenantId: t, messageId: id };
        batch.push({ ...base, type: 'received', at, data: { source: 'smtp' } });
        batch.push({ ...base, type: 'scanned', at, data: { class: cls } });
        if (state === 'quarantined') batch.push({ ...base, type: 'quarantined', at, data: {} });
        else if (rstate === 'delivered') batch.push({ ...base, type: 'delivered', at: at + 1000, data: { pool: cls === 'clean' ? 'default' : 'high-risk', recipients: [{ rcpt }] } });
        else if (rstate === 'failed') batch.push({ ...base, type: 'bounced', at: at + 1000, data: { pool: 'default', recipients: [{ rcpt }] } });
        else batch.push({ ...base, type: 'deferred', at: at + 1000, data: { pool: 'default', recipients: [{ rcpt }] } });
        if (r === 500) batch.push({ ...base, type: 'complained', at: at + 60_000, data: { feedbackType: 'abuse' } });
      }
    })();
    events.db.transaction(() => events.rollup.add(batch))();
    process.stdout.write(`\rseeded ${Math.min(start + BATCH, MESSAGES).toLocaleString('en')} messages (${since(t0)})`);
  }
  // Queue depth samples for the last day.
  const insQ = events.db.prepare('INSERT OR REPLACE INTO stats_queue (minute, depth, queued_jobs) VALUES (?, ?, ?)');
  events.db.transaction(() => {
    for (let m = 0; m < 1440; m++) insQ.run(Math.floor((now - m * MINUTE_MS) / MINUTE_MS), Math.round(MESSAGES / 100 + 400 * Math.sin(m / 60)), Math.round(MESSAGES / 100));
  })();
  const rows = (sql: string): number => (events.db.prepare(sql).get() as { n: number }).n;
  console.log(`\nrollup: ${rows('SELECT COUNT(*) AS n FROM stats_minute').toLocaleString('en')} minute rows, ${rows('SELECT COUNT(*) AS n FROM stats_hour').toLocaleString('en')} hour rows`);
  events.close();
  spool.pragma('wal_checkpoint(TRUNCATE)');
  spool.close();
}
console.log(`seeded ${TENANTS.toLocaleString('en')} tenants and ${MESSAGES.toLocaleString('en')} messages in ${since(t0)}; files: ${['spool.db', 'events.db', 'state.db'].map((f) => `${f} ${(statSync(join(dir, f)).size / 1048576).toFixed(0)} MiB`).join(', ')}`);

// ---- the gateway on it ---------------------------------------------------------
const tStart = process.hrtime.bigint();
const gw = await startApiGateway({
  host: '127.0.187.1', dataDir: dir, tenant: { id: 'tenant-00001', domain: 'tenant-00001.example' },
  config: { delivery: { hold: true }, reputation: { enabled: true }, pools: { default: { ips: [{ ip: '127.0.187.2', helo: 'out.test' }] }, 'high-risk': { ips: [{ ip: '127.0.187.3', helo: 'hr.test' }] } } },
});
console.log(`gateway started on it in ${since(tStart)}`);

const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
const p95 = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.ceil(a.length * 0.95) - 1)]!;
const results: Record<string, unknown> = { tenants: TENANTS, messages: MESSAGES };

// ---- the browser ----------------------------------------------------------------
const b = await launchBrowser();
const { page } = await b.newPage();
await signIn(page, gw.baseUrl, gw.operatorToken);
async function load(hash: string, ready: () => boolean, i: number): Promise<number> {
  await page.goto(`${gw.baseUrl}/?load=${i}${hash}`);
  await page.waitForFunction(ready, undefined, { timeout: 30_000, polling: 'raf' });
  return page.evaluate(() => performance.now());
}
const dashboardReady = (): boolean =>
  document.querySelectorAll('.chart .uplot').length === 4 && document.querySelectorAll('.stat .stat-value').length === 7 && !document.body.textContent!.includes('Loading');
const tenantsReady = (): boolean => document.querySelectorAll('[data-table=tenants] tbody tr svg.spark').length === 50;
for (const [name, hash, ready] of [['dashboard', '#/', dashboardReady], ['tenants', '#/tenants', tenantsReady]] as const) {
  const first = await load(hash, ready, 0);
  const times: number[] = [];
  for (let i = 1; i <= LOADS; i++) times.push(await load(hash, ready, i));
  results[name] = { firstMs: Math.round(first), medianMs: Math.round(median(times)), allMs: times.map(Math.round) };
  console.log(`${name}: fully rendered in ${Math.round(median(times))} ms (median of ${LOADS}; ${times.map(Math.round).join(', ')}); first load ${Math.round(first)} ms`);
}
await b.close();

// ---- API latency -----------------------------------------------------------------
const someId = (await gw.call('GET', '/v1/admin/queue?limit=1')).body.data[0].id as string;
const page2 = (await gw.call('GET', '/v1/admin/tenants/overview?sort=-sent24h&limit=50')).body.nextCursor as string;
const calls: Array<[string, string, string?]> = [
  ['admin timeseries, 60 min', '/v1/admin/stats/timeseries?minutes=60'],
  ['admin timeseries, 1440 min', '/v1/admin/stats/timeseries?minutes=1440'],
  ['tenant timeseries (a big sender), 60 min', '/v1/stats/timeseries?minutes=60', gw.tenant.apiKey],
  ['tenants overview, -sent24h', '/v1/admin/tenants/overview?sort=-sent24h&limit=50'],
  ['tenants overview, page 2', `/v1/admin/tenants/overview?sort=-sent24h&limit=50&cursor=${page2}`],
  ['tenants overview, q + state', '/v1/admin/tenants/overview?q=tenant-01&state=normal&limit=50'],
  ['tenant page: tenant', '/v1/admin/tenants/tenant-00003'],
  ['tenant page: reputation', '/v1/admin/tenants/tenant-00003/reputation'],
  ['tenant page: history', '/v1/admin/tenants/tenant-00003/history?limit=50'],
  ['tenant page: series 360 min', '/v1/admin/stats/timeseries?minutes=360&tenant=tenant-00003'],
  ['tenant page: latest messages', '/v1/admin/queue?tenant=tenant-00003&limit=10'],
  ['message search, newest 50', '/v1/admin/queue?limit=50'],
  ['message', `/v1/admin/messages/${someId}`],
  ['quarantine, first 50', '/v1/admin/quarantine?limit=50'],
  ['pools', '/v1/admin/pools'],
];
const api: Record<string, { medianMs: number; p95Ms: number }> = {};
console.log('API latency (ms, 20 calls each, after one warm-up):');
for (const [name, path, key] of calls) {
  const first = await gw.call('GET', path, key ? { key } : {});
  if (first.status !== 200) throw new Error(`${path}: ${first.status} ${first.text}`);
  const ts: number[] = [];
  for (let i = 0; i < 20; i++) {
    const s = process.hrtime.bigint();
    await gw.call('GET', path, key ? { key } : {});
    ts.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  api[name] = { medianMs: Math.round(median(ts) * 10) / 10, p95Ms: Math.round(p95(ts) * 10) / 10 };
  console.log(`  ${name.padEnd(42)} median ${median(ts).toFixed(1).padStart(6)}  p95 ${p95(ts).toFixed(1).padStart(6)}`);
}
// The overview caches its merged tenant list for 2 s: the calls above mostly hit the cache; these do not.
{
  const ts: number[] = [];
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 2200));
    const s = process.hrtime.bigint();
    await gw.call('GET', '/v1/admin/tenants/overview?sort=-sent24h&limit=50');
    ts.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  api['tenants overview, cache expired'] = { medianMs: Math.round(median(ts) * 10) / 10, p95Ms: Math.round(Math.max(...ts) * 10) / 10 };
  console.log(`  ${'tenants overview, cache expired (5 calls)'.padEnd(42)} median ${median(ts).toFixed(1).padStart(6)}  max ${Math.max(...ts).toFixed(1).padStart(6)}`);
}
results['api'] = api;
console.log(JSON.stringify(results));
await gw.stop();
if (!values.keep) rmSync(dir, { recursive: true, force: true });
else console.log(`data kept in ${dir}`);

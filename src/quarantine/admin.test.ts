/**
 * Quarantine operations on the spool itself: filters, batched bulk release
 * and delete with progress, the release request the decider reads, that
 * every quarantine query is served by an index, and that the CLI's
 * connection works beside a live ThreadedSqliteSpool (the gateway's) that
 * keeps writing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../core/clock.js';
import type { VerdictClass } from '../core/types.js';
import { makeMessage } from '../spool/spool.suite.js';
import { ThreadedSqliteSpool } from '../spool/sqlite/threaded-spool.js';
import { SqliteSpool } from '../spool/sqlite/sqlite-spool.js';
import { QuarantineAdmin } from './admin.js';

const verdict = (cls: VerdictClass) => ({ class: cls, score: cls === 'spam' ? 0.99 : 0.6, reasons: [{ rule: 'r', weight: 1, detail: 'd' }], fingerprint: '' });

test('filters, bulk release and delete in batches, indexed queries, beside a live gateway spool', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-q-'));
  const spool = await ThreadedSqliteSpool.open(join(dir, 'spool.db'));
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  const admin = QuarantineAdmin.open(dir, clock);
  try {
    const N = 1200;
    const ids: string[] = [];
    await Promise.all(Array.from({ length: N }, async (_, i) => {
      const m = makeMessage({ tenantId: i % 3 === 0 ? 'beta' : 'acme', receivedAt: clock.now() });
      ids.push(m.id);
      await spool.enqueue({ ...m, claimed: true });
      const cls: VerdictClass = i % 2 === 0 ? 'spam' : 'suspect';
      await spool.route(m.id, { route: { kind: 'quarantine', why: `policy ${cls}` }, verdict: verdict(cls) }, clock.now() - (i < 100 ? 3 * 86_400_000 : 0));
    }));
    assert.equal(admin.count({}), N);
    assert.equal(admin.count({ tenantId: 'beta' }), N / 3);
    assert.equal(admin.count({ cls: 'spam' }), N / 2);
    assert.equal(admin.count({ tenantId: 'acme', cls: 'suspect' }), (2 * N) / 3 / 2);
    assert.equal(admin.count({ before: clock.now() - 86_400_000 }), 100, 'older than a day');
    assert.equal(admin.count({ after: clock.now() - 86_400_000 }), N - 100);
    const first = admin.list({ tenantId: 'acme', cls: 'spam' }, 5);
    assert.equal(first.length, 5);
    assert.ok(first.every((r) => r.tenantId === 'acme' && r.cls === 'spam' && r.score === 0.99 && r.why === 'policy spam'));

    // Every quarantine query uses one of the partial indexes: no scan of the whole messages table.
    for (const f of [{}, { tenantId: 'acme' }, { cls: 'spam' as const }, { tenantId: 'acme', cls: 'spam' as const }, { before: 5, after: 1 }]) {
      const plan = admin.q.explainPage(f);
      assert.match(plan, /USING (COVERING )?INDEX messages_quarantined/, `${JSON.stringify(f)}: ${plan}`);
      assert.doesNotMatch(plan, /TEMP B-TREE/, `${JSON.stringify(f)}: pages come in index order, no sort: ${plan}`);
    }

    // Bulk release of one tenant's spam while the gateway's spool keeps taking new mail.
    clock.advance(1000);
    const progress: number[] = [];
    const writes = Promise.all(Array.from({ length: 200 }, () => spool.enqueue(makeMessage({ tenantId: 'gamma' }))));
    const r = admin.bulk({ tenantId: 'acme', cls: 'spam' }, { op: 'release', by: 'cli:ops', forcePool: 'default' }, { batch: 64, onProgress: (p) => progress.push(p.done) });
    await writes;
    assert.equal(r.done, 400);
    assert.equal(progress.at(-1), 400);
    assert.ok(progress.length >= 7, 'one progress report per batch');
    assert.equal(admin.count({ tenantId: 'acme', cls: 'spam' }), 0);
    assert.equal(admin.count({}), N - 400);
    const released = ids.find((id) => admin.q.releaseOf(id) !== null)!;
    assert.deepEqual(await spool.releaseOf(released), { by: 'cli:ops', at: clock.now(), forcePool: 'default' });
    const m = await spool.getMessage(released);
    assert.equal(m?.state, 'incoming');
    assert.ok((await spool.events(released)).some((e) => e.type === 'released' && e.data?.['forcePool'] === 'default'));
    const claimed = await spool.claimIncoming(1000);
    assert.equal(claimed.filter((c) => c.tenantId === 'acme').length, 400, 'the processor picks released mail up as incoming');

    // Bulk delete of what is older than a day; then everything else by id.
    const del = admin.bulk({ before: clock.now() - 86_400_000 }, { op: 'delete', by: 'cli:ops', why: 'old' });
    assert.equal(del.done, 67, 'the 100 old ones minus the 33 of them that were acme spam (released)');
    const rest = admin.list({}, 10_000).map((x) => x.id);
    assert.equal(admin.apply(rest, { op: 'delete', by: 'cli:ops', why: 'cleanup' }), rest.length);
    assert.equal(admin.count({}), 0);
    const gone = await spool.getMessage(rest[0]!);
    assert.equal(gone?.state, 'done');
    assert.equal(gone?.recipients[0]?.state, 'dropped');
    const other = new SqliteSpool(join(dir, 'spool.db'));
    assert.equal(await other.readBody(rest[0]!), null, 'body deleted on disk (the gateway spool may still hold it in its LRU until evicted)');
    await other.close();
  } finally {
    admin.close();
    await spool.close();
  }
});

test('expiry: the final event, recipients expired, header block kept for the DSN', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-q-'));
  const spool = await ThreadedSqliteSpool.open(join(dir, 'spool.db'));
  try {
    const m = makeMessage({ tenantId: 'acme' });
    await spool.enqueue({ ...m, claimed: true });
    await spool.route(m.id, { route: { kind: 'quarantine', why: 'x' }, verdict: verdict('spam') }, 1000);
    const reply = { code: 550, enhanced: '5.7.1', text: 'expired' };
    assert.deepEqual(await spool.expireQuarantined(999, 10, 5000, reply), []);
    const [e] = await spool.expireQuarantined(1000, 10, 5000, reply);
    assert.equal(e?.id, m.id);
    assert.deepEqual(e?.rcpts, m.envelope.rcptTo);
    assert.ok(Buffer.isBuffer(e?.headers));
    assert.match(e!.headers!.toString(), /^From: sender@acme\.test\r\nSubject: hi /);
    const v = await spool.getMessage(m.id);
    assert.equal(v?.state, 'done');
    assert.ok(v?.recipients.every((r) => r.state === 'expired' && r.reply?.text === 'expired'));
    assert.equal((await spool.events(m.id)).at(-1)?.type, 'quarantine-expired');
  } finally {
    await spool.close();
  }
});

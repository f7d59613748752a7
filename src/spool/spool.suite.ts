/**
 * The shared contract test for Spool implementations. Each backend's test file
 * calls spoolSuite() with a factory; a PostgreSQL spool must pass the same suite.
 * `reopen` (optional) closes and opens the same store again, to prove durability.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { newMessageId } from '../core/ids.js';
import type { NewMessage, Spool } from './spool.js';

export interface SpoolFactory {
  open(): Promise<Spool>;
  /** Opens the same store again (after close), if the backend persists. */
  reopen?: () => Promise<Spool>;
}

const T0 = Date.UTC(2026, 0, 1);

export function makeMessage(over: Partial<NewMessage> & { rcpts?: string[] } = {}): NewMessage {
  const id = over.id ?? newMessageId();
  const rcpts = over.rcpts ?? ['a@one.test', 'b@one.test', 'c@two.test'];
  return {
    id,
    tenantId: over.tenantId ?? 'acme',
    source: over.source ?? 'smtp',
    clientIp: over.clientIp ?? '127.0.0.1',
    envelope: over.envelope ?? { mailFrom: 'sender@acme.test', rcptTo: rcpts },
    raw: over.raw ?? Buffer.from(`From: sender@acme.test\r\nSubject: hi ${id}\r\n\r\nbody\r\n`),
    receivedAt: over.receivedAt ?? T0,
    summary: over.summary ?? { subject: `hi ${id}`, from: 'sender@acme.test' },
  };
}

export function spoolSuite(name: string, factory: SpoolFactory): void {
  describe(`Spool contract: ${name}`, () => {
    test('enqueue stores message, recipients, body and events', async () => {
      const s = await factory.open();
      const m = makeMessage();
      await s.enqueue(m, [{ type: 'received', data: { size: m.raw.length } }, { type: 'queued' }]);
      const v = await s.getMessage(m.id);
      assert.ok(v);
      assert.equal(v.state, 'incoming');
      assert.equal(v.tenantId, 'acme');
      assert.deepEqual(v.recipients.map((r) => [r.rcpt, r.domain, r.state]), [
        ['a@one.test', 'one.test', 'pending'],
        ['b@one.test', 'one.test', 'pending'],
        ['c@two.test', 'two.test', 'pending'],
      ]);
      assert.deepEqual((await s.readBody(m.id))?.toString(), m.raw.toString());
      assert.deepEqual((await s.events(m.id)).map((e) => e.type), ['received', 'queued']);
      assert.equal(await s.getMessage('NOSUCHMESSAGE0000000'), null);
      await s.close();
    });

    test('a duplicate id is refused without harming the group it was committed with', async () => {
      const s = await factory.open();
      const a = makeMessage();
      await s.enqueue(a);
      const results = await Promise.allSettled([s.enqueue(makeMessage({ id: a.id })), s.enqueue(makeMessage())]);
      assert.equal(results[0].status, 'rejected');
      assert.equal(results[1].status, 'fulfilled');
      await s.close();
    });

    test('incoming messages are claimed once, then routed into one job per domain', async () => {
      const s = await factory.open();
      const m = makeMessage();
      await s.enqueue(m);
      const claimed = await s.claimIncoming(10);
      assert.deepEqual(claimed.map((c) => c.id), [m.id]);
      assert.deepEqual(claimed[0]!.envelope.rcptTo, m.envelope.rcptTo);
      assert.deepEqual(await s.claimIncoming(10), []);
      await s.route(m.id, { route: { kind: 'deliver', pool: 'default', why: 'clean' }, prefix: Buffer.from('X-Sig: 1\r\n'), wireMailFrom: 'bounces+x@p.test' }, T0);
      const v = await s.getMessage(m.id);
      assert.equal(v?.state, 'active');
      assert.deepEqual(v?.jobs.map((j) => [j.domain, j.pool, j.state]).sort(), [['one.test', 'default', 'queued'], ['two.test', 'default', 'queued']]);
      const routing = await s.readRouting(m.id);
      assert.equal(routing?.prefix?.toString(), 'X-Sig: 1\r\n');
      assert.equal(routing?.wireMailFrom, 'bounces+x@p.test');
      await s.close();
    });

    test('unclaim puts a claimed message back to incoming, once', async () => {
      const s = await factory.open();
      const m = makeMessage();
      await s.enqueue(m);
      await s.claimIncoming(10);
      assert.equal(await s.unclaim(m.id, T0), true);
      assert.equal((await s.getMessage(m.id))?.state, 'incoming');
      assert.equal(await s.unclaim(m.id, T0), false, 'not in processing any more');
      assert.deepEqual((await s.claimIncoming(10)).map((c) => c.id), [m.id]);
      await s.close();
    });

    test('due jobs are claimed once per tenant; results finish the message and drop the body', async () => {
      const s = await factory.open();
      const m = makeMessage({ tenantId: 'fin' });
      await s.enqueue(m);
      await s.claimIncoming(10);
      await s.route(m.id, { route: { kind: 'deliver', pool: 'default', why: 'clean' }, prefix: Buffer.from('X-Sig: 2\r\n'), wireMailFrom: 'bounces+y@p.test' }, T0);
      assert.deepEqual(await s.dueTenants(T0 - 1), []);
      assert.ok((await s.dueTenants(T0)).includes('fin'));
      const jobs = await s.claimDue('fin', T0, 10);
      assert.equal(jobs.length, 2);
      assert.deepEqual(await s.claimDue('fin', T0, 10), []);
      const one = jobs.find((j) => j.domain === 'one.test')!;
      assert.deepEqual(one.recipients.map((r) => r.rcpt), ['a@one.test', 'b@one.test']);
      assert.equal(one.mailFrom, 'sender@acme.test');
      for (const j of jobs) {
        await s.recordAttempt({
          jobId: j.jobId, messageId: j.messageId, at: T0 + 10, countsAsAttempt: true, event: { type: 'delivered' },
          results: j.recipients.map((r) => ({ idx: r.idx, state: 'delivered', reply: { code: 250, enhanced: '2.0.0', text: 'ok' } })),
        });
      }
      const v = await s.getMessage(m.id);
      assert.equal(v?.state, 'done');
      assert.ok(v?.recipients.every((r) => r.state === 'delivered'));
      assert.equal(await s.readBody(m.id), null);
      assert.equal((await s.readRouting(m.id))?.prefix ?? null, null, 'the signature block goes with the body');
      await s.close();
    });

    test('deferred recipients wait for nextAt; permanent ones are final', async () => {
      const s = await factory.open();
      const m = makeMessage({ tenantId: 'def', rcpts: ['x@three.test', 'y@three.test'] });
      await s.enqueue(m);
      await s.claimIncoming(10);
      await s.route(m.id, { route: { kind: 'deliver', pool: 'default', why: 'clean' } }, T0);
      const [job] = await s.claimDue('def', T0, 10);
      assert.ok(job);
      await s.recordAttempt({
        jobId: job.jobId, messageId: job.messageId, at: T0, countsAsAttempt: true, nextAt: T0 + 300_000, event: { type: 'deferred' },
        results: [
          { idx: 0, state: 'deferred', reply: { code: 451, enhanced: '4.3.0', text: 'later' } },
          { idx: 1, state: 'failed', reply: { code: 550, enhanced: '5.1.1', text: 'no such user' } },
        ],
      });
      assert.deepEqual(await s.claimDue('def', T0 + 299_999, 10), []);
      assert.equal(await s.nextDueAt(), T0 + 300_000);
      const [again] = await s.claimDue('def', T0 + 300_000, 10);
      assert.equal(again?.attempts, 1);
      assert.deepEqual(again?.recipients.map((r) => r.rcpt), ['x@three.test']);
      const v = await s.getMessage(m.id);
      assert.equal(v?.recipients[1]?.state, 'failed');
      assert.equal(v?.recipients[1]?.reply?.enhanced, '5.1.1');
      assert.equal(v?.state, 'active');
      assert.equal((await s.readBody(m.id))?.toString(), m.raw.toString(), 'the retry reads the body (a cache may have dropped it)');
      await s.close();
    });

    test('quarantine, reject and skip (suppression) routes', async () => {
      const s = await factory.open();
      const q = makeMessage();
      const r = makeMessage();
      await s.enqueue(q);
      await s.enqueue(r);
      await s.claimIncoming(10);
      await s.route(q.id, { route: { kind: 'quarantine', why: 'spam' } }, T0);
      await s.route(r.id, {
        route: { kind: 'deliver', pool: 'default', why: 'clean' },
        skip: [{ idx: 2, state: 'suppressed', reply: { code: 550, enhanced: '5.7.1', text: 'suppressed' } }],
      }, T0);
      assert.equal((await s.getMessage(q.id))?.state, 'quarantined');
      assert.ok(await s.readBody(q.id), 'quarantined mail keeps its body');
      const rv = await s.getMessage(r.id);
      assert.equal(rv?.recipients[2]?.state, 'suppressed');
      assert.deepEqual(rv?.jobs.map((j) => j.domain), ['one.test']);
      const x = makeMessage();
      await s.enqueue(x);
      await s.claimIncoming(10);
      await s.route(x.id, { route: { kind: 'reject', reply: { code: 550, enhanced: '5.7.1', text: 'bad' }, why: 'spam' } }, T0);
      const xv = await s.getMessage(x.id);
      assert.equal(xv?.state, 'done');
      assert.ok(xv?.recipients.every((rr) => rr.state === 'failed'));
      await s.close();
    });

    test('recover returns claimed work; release puts jobs back unchanged', async () => {
      const s = await factory.open();
      const m = makeMessage({ tenantId: 'rec' });
      const n = makeMessage({ tenantId: 'rec' });
      await s.enqueue(m);
      await s.enqueue(n);
      await s.claimIncoming(1);
      await s.claimIncoming(1);
      await s.route(n.id, { route: { kind: 'deliver', pool: 'default', why: 'clean' } }, T0);
      const jobs = await s.claimDue('rec', T0, 10);
      assert.equal(jobs.length, 2);
      await s.release([jobs[0]!.jobId], T0 + 5);
      const rec = await s.recover();
      assert.equal(rec.jobs, 1);
      assert.equal(rec.messages, 1);
      assert.equal((await s.getMessage(m.id))?.state, 'incoming');
      const again = await s.claimDue('rec', T0 + 5, 10);
      assert.equal(again.length, 2);
      assert.ok(again.every((j) => j.attempts === 0));
      await s.close();
    });

    test('retryNow and remove', async () => {
      const s = await factory.open();
      const m = makeMessage({ tenantId: 'ops', rcpts: ['z@four.test'] });
      await s.enqueue(m);
      await s.claimIncoming(10);
      await s.route(m.id, { route: { kind: 'deliver', pool: 'default', why: 'clean' } }, T0);
      const [job] = await s.claimDue('ops', T0, 1);
      await s.recordAttempt({
        jobId: job!.jobId, messageId: job!.messageId, at: T0, countsAsAttempt: true, nextAt: T0 + 3_600_000, event: { type: 'deferred' },
        results: [{ idx: 0, state: 'deferred', reply: { code: 421, text: 'busy' } }],
      });
      assert.equal(await s.retryNow(m.id, T0 + 1), true);
      assert.equal((await s.claimDue('ops', T0 + 1, 1)).length, 1);
      await s.recover();
      assert.equal(await s.remove(m.id, T0 + 2, 'operator'), true);
      const v = await s.getMessage(m.id);
      assert.equal(v?.state, 'done');
      assert.equal(v?.recipients[0]?.state, 'dropped');
      assert.equal(await s.remove(m.id, T0 + 3, 'again'), false);
      assert.ok((await s.events(m.id)).some((e) => e.type === 'deleted'));
      await s.close();
    });

    test('counts by state and destination', async () => {
      const s = await factory.open();
      const m = makeMessage({ rcpts: ['a@count.test', 'b@count.test'] });
      await s.enqueue(m);
      await s.claimIncoming(10);
      await s.route(m.id, { route: { kind: 'deliver', pool: 'high-risk', why: 'suspect' } }, T0);
      const c = await s.counts();
      assert.ok((c.messages['active'] ?? 0) >= 1);
      assert.ok((c.recipients['queued'] ?? 0) >= 2);
      const d = c.byDestination.find((x) => x.domain === 'count.test');
      assert.equal(d?.pool, 'high-risk');
      assert.equal(d?.queued, 1);
      await s.close();
    });

    if (factory.reopen) {
      const reopen = factory.reopen;
      test('many concurrent enqueues are all durable after close and reopen', async () => {
        const s = await factory.open();
        const msgs = Array.from({ length: 300 }, () => makeMessage({ tenantId: 'bulk' }));
        await Promise.all(msgs.map((m) => s.enqueue(m)));
        await s.close();
        const again = await reopen();
        for (const m of msgs) assert.equal((await again.getMessage(m.id))?.state, 'incoming');
        await again.close();
      });
    }
  });
}

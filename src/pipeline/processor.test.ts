import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../core/clock.js';
import { createLogger } from '../log/logger.js';
import { SqliteSpool } from '../spool/sqlite/sqlite-spool.js';
import { BATCH, Processor, type Decider } from './processor.js';

test('large messages are processed a few MiB at a time, small ones in full batches; every one is routed', async () => {
  const spool = new SqliteSpool(join(mkdtempSync(join(tmpdir(), 'outpost-proc-')), 'spool.db'));
  const clock = new FakeClock(Date.UTC(2026, 10, 28));
  let inFlight = 0;
  let peakBytes = 0;
  let bytes = 0;
  let peakCount = 0;
  const decide: Decider = async (m) => {
    inFlight++;
    bytes += m.size;
    peakCount = Math.max(peakCount, inFlight);
    peakBytes = Math.max(peakBytes, bytes);
    await new Promise((r) => setTimeout(r, 5));
    inFlight--;
    bytes -= m.size;
    return { route: { kind: 'deliver', pool: 'default', why: 'test' } };
  };
  const p = new Processor({ spool, decide, clock, log: createLogger('silent') });
  /** Stores n messages (claimed, as cleanup does), then offers them all in one go. */
  const offer = async (from: number, n: number, size: number): Promise<void> => {
    const all = [];
    for (let i = from; i < from + n; i++) {
      const raw = Buffer.alloc(size, 'a');
      const msg = { id: `m${String(i).padStart(18, '0')}`, tenantId: 'acme', source: 'smtp' as const, envelope: { mailFrom: 'a@acme.test', rcptTo: ['b@x.test'] }, receivedAt: clock.now(), size };
      await spool.enqueue({ ...msg, clientIp: '127.0.0.1', raw, summary: {}, claimed: true });
      all.push({ msg, raw });
    }
    for (const x of all) p.offer(x.msg, x.raw);
  };
  await offer(0, 20, 1024 * 1024);
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(peakBytes <= 4 * 1024 * 1024, `peak ${peakBytes} bytes in flight`);
  assert.ok(peakCount >= 2, 'still several at once');
  peakCount = 0;
  await offer(100, 300, 2000);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(peakCount, BATCH, 'small messages: a full batch at once');
  await p.stop();
  const counts = await spool.counts();
  assert.equal(counts.messages['active'], 320, JSON.stringify(counts.messages));
  await spool.close();
});

test('a message whose decision fails is tried again after a back-off, without a restart', async () => {
  const spool = new SqliteSpool(join(mkdtempSync(join(tmpdir(), 'outpost-proc-')), 'spool.db'));
  const clock = new FakeClock(Date.UTC(2026, 10, 28));
  let calls = 0;
  const decide: Decider = async () => {
    calls++;
    if (calls <= 2) throw new Error(`signing key broken (${calls})`);
    return { route: { kind: 'deliver', pool: 'default', why: 'test' } };
  };
  const p = new Processor({ spool, decide, clock, log: createLogger('silent'), retryDelayMs: 20 });
  const raw = Buffer.from('Subject: x\r\n\r\nhello\r\n');
  const msg = { id: 'm000000000000000001', tenantId: 'acme', source: 'smtp' as const, envelope: { mailFrom: 'a@acme.test', rcptTo: ['b@x.test'] }, receivedAt: clock.now(), size: raw.length };
  await spool.enqueue({ ...msg, clientIp: '127.0.0.1', raw, summary: {}, claimed: true });
  p.offer(msg, raw);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal((await spool.getMessage(msg.id))?.state, 'processing', 'after the first failure it waits for its back-off');
  const deadline = Date.now() + 3000;
  while ((await spool.getMessage(msg.id))?.state !== 'active' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.equal((await spool.getMessage(msg.id))?.state, 'active', 'routed on the third try (back-offs 20 ms, then 40 ms)');
  assert.equal(calls, 3);
  const errors = (await spool.events(msg.id)).filter((e) => e.type === 'processing-error');
  assert.deepEqual(errors.map((e) => (e.data as { retryInMs: number }).retryInMs), [20, 40]);
  await p.stop();
  await spool.close();
});

test('stopping the processor cancels pending retries; the message stays for recovery at the next start', async () => {
  const spool = new SqliteSpool(join(mkdtempSync(join(tmpdir(), 'outpost-proc-')), 'spool.db'));
  const clock = new FakeClock(Date.UTC(2026, 10, 28));
  const p = new Processor({ spool, decide: async () => { throw new Error('down'); }, clock, log: createLogger('silent'), retryDelayMs: 30 });
  const raw = Buffer.from('Subject: x\r\n\r\nhello\r\n');
  const msg = { id: 'm000000000000000002', tenantId: 'acme', source: 'smtp' as const, envelope: { mailFrom: 'a@acme.test', rcptTo: ['b@x.test'] }, receivedAt: clock.now(), size: raw.length };
  await spool.enqueue({ ...msg, clientIp: '127.0.0.1', raw, summary: {}, claimed: true });
  p.offer(msg, raw);
  await new Promise((r) => setTimeout(r, 10));
  await p.stop();
  await new Promise((r) => setTimeout(r, 60));
  assert.equal((await spool.getMessage(msg.id))?.state, 'processing');
  assert.deepEqual(await spool.recover(), { messages: 1, jobs: 0 });
  await spool.close();
});

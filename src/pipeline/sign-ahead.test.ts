import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Verdict } from '../core/types.js';
import type { SignResult } from '../sign/signer.js';
import { createSignAhead } from './sign-ahead.js';
import type { StagePool } from './stage-pool.js';

const verdict = (cls: Verdict['class']): Verdict => ({ class: cls, score: 0, reasons: [], fingerprint: 'f' }) as unknown as Verdict;
const ctx = (messageId?: string) => ({ recipientCount: 1, mailFrom: 'a@t.example', ...(messageId ? { messageId } : {}) });
const signReq = (raw: Buffer) => ({ raw, tenant: { id: 'acme' }, feedbackId: 'a:b:c:d' });

/** A stage pool that records calls; scanThenSign resolves when `release` is called. */
function fakePool() {
  const calls: string[] = [];
  let release: () => void = () => undefined;
  const pool: Pick<StagePool, 'scanner' | 'scanThenSign'> = {
    scanner: { scan: async () => (calls.push('scan'), verdict('clean')) },
    scanThenSign: (_raw, _ctx, sign, skip) => {
      calls.push(`scanThenSign ${sign.feedbackId} skip=${skip.join(',')}`);
      return new Promise((r) => (release = () => r({ verdict: verdict('clean'), signed: { headerPrefix: Buffer.from('X: 1\r\n'), signatures: [], tenantAligned: false } satisfies SignResult })));
    },
  };
  return { pool, calls, release: () => release() };
}

test('a registered message is scanned and signed in one call; the ticket holds the signature', async () => {
  const f = fakePool();
  const ahead = createSignAhead(f.pool);
  const raw = Buffer.from('m1');
  const t = ahead.expect('m1', signReq(raw));
  const scanning = ahead.scan(raw, ctx('m1'));
  f.release();
  assert.equal((await scanning).class, 'clean');
  t.close();
  assert.equal(t.result?.headerPrefix.toString(), 'X: 1\r\n');
  assert.deepEqual(f.calls, ['scanThenSign a:b:c:d skip=spam']);
});

test('unregistered messages, other bytes and closed tickets are only scanned', async () => {
  const f = fakePool();
  const ahead = createSignAhead(f.pool, []);
  await ahead.scan(Buffer.from('x'), ctx());
  await ahead.scan(Buffer.from('x'), ctx('nobody'));
  const t = ahead.expect('m2', signReq(Buffer.from('stored')));
  await ahead.scan(Buffer.from('stored'), ctx('m2')); // equal bytes, another Buffer: not the registered message
  t.close();
  assert.equal(t.result, null);
  const raw = Buffer.from('late');
  const closed = ahead.expect('m3', signReq(raw));
  closed.close();
  await ahead.scan(raw, ctx('m3'));
  assert.deepEqual(f.calls, ['scan', 'scan', 'scan', 'scan']);
});

test('a scan finishing after its ticket closed does not touch a newer ticket of the same message', async () => {
  const f = fakePool();
  const ahead = createSignAhead(f.pool);
  const raw = Buffer.from('m4');
  const first = ahead.expect('m4', signReq(raw));
  const scanning = ahead.scan(raw, ctx('m4'));
  first.close();
  const second = ahead.expect('m4', signReq(raw));
  f.release();
  await scanning;
  assert.notEqual(first.result, null);
  assert.equal(second.result, null);
  second.close();
});

test('it needs a pool that scans', () => {
  assert.throws(() => createSignAhead({ scanThenSign: async () => ({ verdict: verdict('clean'), signed: null }) }), /scans/);
});

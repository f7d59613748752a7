import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../core/clock.js';
import { EventStore, eventJson, type StoredEvent } from './store.js';

const DAY = 86_400_000;

function open(dir = mkdtempSync(join(tmpdir(), 'outpost-ev-')), clock = new FakeClock()): { s: EventStore; dir: string; clock: FakeClock } {
  return { s: new EventStore(EventStore.fileIn(dir), clock, { retentionMs: 7 * DAY, flushIntervalMs: 10_000 }), dir, clock };
}

test('append buffers; flush writes one batch and runs the commit hooks with the stored ids; close flushes the rest', () => {
  const { s, dir, clock } = open();
  const seen: StoredEvent[][] = [];
  s.onCommit((rows) => seen.push([...rows]));
  s.append({ type: 'received', at: clock.now(), tenantId: 'acme', messageId: 'm1', data: { size: 10 } });
  s.append({ type: 'ip-listed', at: clock.now(), data: { ip: '192.0.2.1', zone: 'zen.example' } });
  assert.equal(s.buffered, 2);
  assert.equal(s.list({}, 10).length, 0, 'nothing on disk before a flush');
  assert.equal(s.flush(), 2);
  assert.deepEqual(seen[0]!.map((e) => e.id), [1, 2]);
  s.append({ type: 'delivered', at: clock.now(), tenantId: 'acme', messageId: 'm1', data: {} });
  s.close();
  const again = open(dir, clock).s;
  assert.deepEqual(again.list({}, 10).map((e) => e.type), ['delivered', 'ip-listed', 'received']);
  again.close();
});

test('filters by tenant, type, message and time; ascending cursor; JSON form', () => {
  const { s, clock } = open();
  for (let i = 0; i < 6; i++) {
    s.append({ type: i % 2 ? 'delivered' : 'received', at: clock.now(), tenantId: i < 3 ? 'acme' : 'globex', messageId: `m${i}`, data: { i } });
    clock.advance(1000);
  }
  s.flush();
  assert.deepEqual(s.list({ tenantId: 'acme' }, 10).map((e) => e.data['i']), [2, 1, 0]);
  assert.deepEqual(s.list({ types: ['delivered'] }, 10).map((e) => e.data['i']), [5, 3, 1]);
  assert.deepEqual(s.list({ messageId: 'm4' }, 10).map((e) => e.data['i']), [4]);
  assert.deepEqual(s.list({ since: Date.UTC(2026, 0, 1) + 2000, until: Date.UTC(2026, 0, 1) + 4000 }, 10).map((e) => e.data['i']), [3, 2]);
  assert.deepEqual(s.list({}, 2, { id: 2, ascending: true }).map((e) => e.data['i']), [2, 3]);
  const j = eventJson(s.get(1)!);
  assert.deepEqual(j, { id: '1', type: 'received', createdAt: '2026-01-01T00:00:00.000Z', tenantId: 'acme', messageId: 'm0', data: { i: 0 } });
  s.close();
});

test('prune deletes events older than the retention only', () => {
  const { s, clock } = open();
  s.append({ type: 'received', at: clock.now(), data: {} });
  clock.advance(8 * DAY);
  s.append({ type: 'received', at: clock.now(), data: {} });
  s.flush();
  assert.equal(s.prune(), 1);
  assert.equal(s.list({}, 10).length, 1);
  s.close();
});

test('a failing commit hook keeps the batch buffered (nothing half-written)', () => {
  const { s, clock } = open();
  let fail = true;
  s.onCommit(() => {
    if (fail) throw new Error('disk trouble');
  });
  s.append({ type: 'received', at: clock.now(), data: {} });
  assert.throws(() => s.flush(), /disk trouble/);
  assert.equal(s.list({}, 10).length, 0);
  assert.equal(s.buffered, 1);
  fail = false;
  assert.equal(s.flush(), 1);
  assert.equal(s.list({}, 10).length, 1);
  s.close();
});

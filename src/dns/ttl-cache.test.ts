import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../core/clock.js';
import { TtlLruCache } from './ttl-cache.js';

test('entries expire at their TTL and report the time left', () => {
  const clock = new FakeClock();
  const c = new TtlLruCache<string>(10, clock);
  c.set('a', 'x', 1000);
  assert.deepEqual(c.get('a'), { value: 'x', remainingMs: 1000 });
  clock.advance(999);
  assert.deepEqual(c.get('a'), { value: 'x', remainingMs: 1 });
  clock.advance(1);
  assert.equal(c.get('a'), undefined);
  assert.equal(c.size(), 0);
});

test('a zero TTL stores nothing and removes an older value', () => {
  const c = new TtlLruCache<number>(10, new FakeClock());
  c.set('a', 1, 1000);
  c.set('a', 2, 0);
  assert.equal(c.get('a'), undefined);
});

test('evicts the least recently used entry when full', () => {
  const c = new TtlLruCache<number>(2, new FakeClock());
  c.set('a', 1, 1000);
  c.set('b', 2, 1000);
  c.get('a');
  c.set('c', 3, 1000);
  assert.equal(c.get('b'), undefined);
  assert.equal(c.get('a')?.value, 1);
  assert.equal(c.get('c')?.value, 3);
  assert.throws(() => new TtlLruCache(0, new FakeClock()), RangeError);
});

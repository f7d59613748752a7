import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BodyCache, RoutingCache } from './body-cache.js';

test('keeps at most maxBytes, evicting the least recently used', () => {
  const c = new BodyCache(100);
  c.set('a', Buffer.alloc(20));
  c.set('b', Buffer.alloc(20));
  c.set('c', Buffer.alloc(20));
  assert.ok(c.get('a'));
  c.set('d', Buffer.alloc(20));
  c.set('e', Buffer.alloc(20));
  c.set('f', Buffer.alloc(20));
  assert.ok(c.size <= 100);
  assert.equal(c.get('b'), undefined, 'b was least recently used');
  assert.ok(c.get('a'), 'a was touched and survives');
  c.set('huge', Buffer.alloc(60));
  assert.equal(c.get('huge'), undefined, 'bodies over a quarter of the cache are not cached');
  c.delete('a');
  assert.equal(c.get('a'), undefined);
});

test('the routing cache counts the signature block and the address against its bytes', () => {
  const c = new RoutingCache(1000);
  c.set('a', { prefix: Buffer.alloc(100), wireMailFrom: 'b@x.test' });
  assert.equal(c.size, 64 + 100 + 8);
  c.set('a', { prefix: null, wireMailFrom: 'b@x.test' });
  assert.equal(c.size, 64 + 8, 'replacing an entry replaces its bytes');
  for (let i = 0; i < 10; i++) c.set(`m${i}`, { prefix: Buffer.alloc(150), wireMailFrom: 'b@x.test' });
  assert.ok(c.size <= 1000);
  assert.equal(c.get('a'), undefined, 'the oldest went first');
  assert.deepEqual(c.get('m9'), { prefix: Buffer.alloc(150), wireMailFrom: 'b@x.test' });
});

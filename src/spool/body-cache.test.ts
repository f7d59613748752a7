import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BodyCache } from './body-cache.js';

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

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IpReputation } from './ip-reputation.js';

const rep = (): IpReputation => new IpReputation({ window: 10_000, minMessages: 10, spamShare: 0.3, deferFor: 5_000 });

test('an IP is deferred once its spam share in the window passes the threshold, and only then', () => {
  const r = rep();
  for (let i = 0; i < 9; i++) assert.equal(r.accepted('10.0.0.1', true, i), undefined, 'fewer than minMessages never trips');
  const v = r.accepted('10.0.0.1', true, 9);
  assert.deepEqual(v, { total: 10, spam: 10, share: 1 });
  assert.ok(r.deferred('10.0.0.1', 10));
  assert.ok(!r.deferred('10.0.0.2', 10), 'other IPs are not touched');
  assert.equal(r.accepted('10.0.0.1', true, 11), undefined, 'no second trip while deferred');
  assert.ok(!r.deferred('10.0.0.1', 9 + 5_000), 'the deferral ends after deferFor');
});

test('a share at or under the threshold does not trip', () => {
  const r = rep();
  for (let i = 0; i < 100; i++) assert.equal(r.accepted('10.0.0.3', i % 10 >= 7, i * 10), undefined);
  assert.equal(r.figures('10.0.0.3', 1000).share, 0.3);
  assert.ok(!r.deferred('10.0.0.3', 1000));
});

test('old messages leave the window', () => {
  const r = rep();
  for (let i = 0; i < 20; i++) r.accepted('10.0.0.4', false, i);
  assert.equal(r.figures('10.0.0.4', 5_000).total, 20);
  assert.equal(r.figures('10.0.0.4', 10_020).total, 0);
  // Spam alone in a fresh window trips once there is enough of it.
  for (let i = 0; i < 9; i++) assert.equal(r.accepted('10.0.0.4', true, 20_000 + i), undefined);
  assert.ok(r.accepted('10.0.0.4', true, 20_010));
});

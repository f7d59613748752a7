import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlowGate } from './flow.js';

test('flow gate: no wait under the limits; at the message limit waits until progress finds the backlog under it', async () => {
  let backlog = 0;
  const gate = new FlowGate({ backlog: () => ({ messages: backlog, bytes: 0 }), maxBacklog: 3, maxBacklogBytes: 1e9, maxDelayMs: 5_000 });
  assert.equal(await gate.wait(), 0);
  backlog = 3;
  const order: string[] = [];
  const a = gate.wait().then(() => order.push('a'));
  const b = gate.wait().then(() => order.push('b'));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(gate.waiting, 2);
  assert.deepEqual(order, []);
  gate.progress(); // still at the limit
  assert.equal(gate.waiting, 2);
  backlog = 2;
  gate.progress();
  await Promise.all([a, b]);
  assert.deepEqual(order, ['a', 'b']);
  assert.equal(gate.waiting, 0);
});

test('flow gate: the byte limit holds transactions too (a few large messages)', async () => {
  let bytes = 20e6;
  const gate = new FlowGate({ backlog: () => ({ messages: 5, bytes }), maxBacklog: 1000, maxBacklogBytes: 16e6, maxDelayMs: 5_000 });
  let done = false;
  const w = gate.wait().then(() => (done = true));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(done, false);
  bytes = 1e6;
  gate.progress();
  await w;
  assert.equal(done, true);
});

test('flow gate: a stalled processor delays a transaction by maxDelay at most; 0 disables the gate', async () => {
  const gate = new FlowGate({ backlog: () => ({ messages: 10_000, bytes: 0 }), maxBacklog: 10, maxBacklogBytes: 1e9, maxDelayMs: 60 });
  const waited = await gate.wait();
  assert.ok(waited >= 50 && waited < 1_000, `waited ${waited} ms`);
  assert.equal(gate.waiting, 0);
  const off = new FlowGate({ backlog: () => ({ messages: 10_000, bytes: 1e12 }), maxBacklog: 0, maxBacklogBytes: 1, maxDelayMs: 60_000 });
  assert.equal(await off.wait(), 0);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlowGate } from './flow.js';

test('flow gate: no wait under the limit; waits at it until progress makes room, one waiter per free slot', async () => {
  let backlog = 0;
  const gate = new FlowGate({ backlog: () => backlog, maxBacklog: 3, maxDelayMs: 5_000 });
  assert.equal(await gate.wait(), 0);
  backlog = 3;
  const order: string[] = [];
  const a = gate.wait().then(() => order.push('a'));
  const b = gate.wait().then(() => order.push('b'));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(gate.waiting, 2);
  assert.deepEqual(order, []);
  gate.progress(); // no room yet
  assert.equal(gate.waiting, 2);
  backlog = 2; // one slot
  gate.progress();
  await a;
  assert.deepEqual(order, ['a']);
  assert.equal(gate.waiting, 1);
  backlog = 0;
  gate.progress();
  await b;
  assert.deepEqual(order, ['a', 'b']);
});

test('flow gate: a stalled processor delays a transaction by maxDelay at most; 0 disables the gate', async () => {
  const gate = new FlowGate({ backlog: () => 10_000, maxBacklog: 10, maxDelayMs: 60 });
  const waited = await gate.wait();
  assert.ok(waited >= 50 && waited < 1_000, `waited ${waited} ms`);
  assert.equal(gate.waiting, 0);
  const off = new FlowGate({ backlog: () => 10_000, maxBacklog: 0, maxDelayMs: 60_000 });
  assert.equal(await off.wait(), 0);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

test('a worker thread names itself, visible to ps/top as the thread\'s comm', { skip: !existsSync('/proc/thread-self/comm') }, async () => {
  const w = new Worker(
    `const { nameThisThread } = await import(${JSON.stringify(new URL('./thread-name.js', import.meta.url).href)});
     const { parentPort } = await import('node:worker_threads');
     const { readFileSync } = await import('node:fs');
     nameThisThread('outpost-test-thread-name-too-long');
     parentPort.postMessage(readFileSync('/proc/thread-self/comm', 'utf8').trim());`,
    { eval: true },
  );
  const name = await new Promise<string>((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
  await w.terminate();
  assert.equal(name, 'outpost-test-th', 'cut to the kernel\'s 15 bytes');
  assert.notEqual(readFileSync('/proc/thread-self/comm', 'utf8').trim(), name, 'only the calling thread is renamed');
});

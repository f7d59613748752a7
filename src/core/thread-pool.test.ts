import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createThreadPool, ThreadPoolError } from './thread-pool.js';

const url = new URL('./thread-pool-fixture.js', import.meta.url);

test('many concurrent calls each get their own answer; errors keep their code; a dead worker is replaced; close refuses', async () => {
  const pool = createThreadPool<number | 'fail' | 'die', number>({ url, workerData: null, threads: 2, name: 'test' });
  try {
    const xs = Array.from({ length: 200 }, (_, i) => i);
    assert.deepEqual(await Promise.all(xs.map((x) => pool.call(x))), xs.map((x) => x * 2));
    await assert.rejects(pool.call('fail'), (e: unknown) => e instanceof ThreadPoolError && e.code === 'on-purpose' && e.message === 'asked to fail');
    await assert.rejects(pool.call('die'), (e: unknown) => e instanceof ThreadPoolError && /exited with code 3/.test(e.message));
    assert.equal(await pool.call(21), 42, 'a replacement worker answers');
  } finally {
    await pool.close();
  }
  await assert.rejects(pool.call(1), /test pool is closed/);
});

/**
 * A worker for thread-pool.test.ts: doubles numbers; 'fail' throws an error
 * with a code; 'die' ends the worker thread.
 */
import { serveThreadPool } from './thread-pool-worker.js';

serveThreadPool<number | 'fail' | 'die', number>((req) => {
  if (req === 'fail') throw Object.assign(new Error('asked to fail'), { code: 'on-purpose' });
  if (req === 'die') process.exit(3);
  return req * 2;
});

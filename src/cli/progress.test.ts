import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProgress } from './progress.js';

test('not a TTY: a plain line per 10 % or per 2 s, and a final line', () => {
  const lines: string[] = [];
  let t = 0;
  const p = createProgress({ label: 'released', total: 1000, unit: 'messages', tty: false, write: (l) => lines.push(l), now: () => t });
  for (let done = 1; done <= 1000; done++) {
    t += 1; // 1 ms per item: only the 10 % steps print
    p.update(done);
  }
  p.stop();
  assert.equal(lines.length, 10, lines.join('\n'));
  assert.equal(lines[0], 'released: 100/1000 messages (10 %) in 0.1 s');
  assert.equal(lines.at(-1), 'released: 1000/1000 messages (100 %) in 1.0 s');
  p.stop();
  assert.equal(lines.length, 10, 'stop is idempotent');
});

test('not a TTY: slow work prints every 2 s between the 10 % steps; unknown totals print counts', () => {
  const lines: string[] = [];
  let t = 0;
  const p = createProgress({ label: 'training', total: 100, tty: false, write: (l) => lines.push(l), now: () => t });
  p.update(1);
  t += 2500;
  p.update(2);
  t += 100;
  p.update(3);
  p.stop();
  assert.deepEqual(lines, ['training: 2/100 (2 %) in 2.5 s', 'training: 3/100 (3 %) in 2.6 s']);

  const counts: string[] = [];
  const q = createProgress({ label: 'imported', total: 0, tty: false, write: (l) => counts.push(l), now: () => 0, everyMs: 0 });
  q.update(5);
  q.stop();
  assert.deepEqual(counts, ['imported: 5 in 0.0 s']);
});

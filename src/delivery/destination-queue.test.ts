import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeliveryJob } from '../spool/spool.js';
import { DestinationQueue } from './destination-queue.js';

let n = 0;
const job = (tenantId: string): DeliveryJob => ({
  jobId: ++n, messageId: `m${n}`, tenantId, domain: 'd.test', pool: 'default', attempts: 0, receivedAt: 0, mailFrom: 'a@b.test', size: 1, warned: false,
  recipients: [{ idx: 0, rcpt: 'x@d.test' }],
});

test('tenants are served round-robin, whatever their backlog', () => {
  const q = new DestinationQueue('default', 'd.test');
  for (let i = 0; i < 100; i++) q.add(job('big'));
  q.add(job('small1'));
  q.add(job('small2'));
  const firstFive = Array.from({ length: 5 }, () => q.take()!.tenantId);
  assert.ok(firstFive.includes('small1') && firstFive.includes('small2'), firstFive.join(','));
  assert.equal(q.length, 97);
  const rest = q.drain();
  assert.equal(rest.length, 97);
  assert.equal(q.take(), undefined);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createScannerPool } from './pool.js';
import { createScanner } from './scanner.js';
import { ScannerConfigError } from './options.js';
import { basicMail, TEST_NOW } from './testing.js';

const ctx = { recipientCount: 1, mailFrom: 'a@tenant.example', receivedAt: TEST_NOW };

test('the pool scans in worker threads and agrees with the in-process scanner', async () => {
  const pool = createScannerPool({ threads: 2, weights: { 'date-missing': 2 } });
  try {
    const msgs = [basicMail(), basicMail({ Date: undefined }), basicMail({ Subject: 'FREE MONEY!!!' }, 'Click here http://10.1.2.3/ now!!!')];
    const local = createScanner({ weights: { 'date-missing': 2 } });
    const fromPool = await Promise.all(msgs.flatMap((m) => [pool.scan(m, ctx), pool.scan(m, ctx)]));
    const fromLocal = await Promise.all(msgs.flatMap((m) => [local.scan(m, ctx), local.scan(m, ctx)]));
    assert.deepEqual(fromPool, fromLocal);
  } finally {
    await pool.close();
  }
  const after = await pool.scan(basicMail(), ctx);
  assert.equal(after.reasons[0]?.rule, 'scanner-error');
});

test('pool options are validated in the calling thread', () => {
  assert.throws(() => createScannerPool({ threads: 0 }), ScannerConfigError);
  assert.throws(() => createScannerPool({ threads: 1, thresholds: { suspect: 2, spam: 3 } }), ScannerConfigError);
});

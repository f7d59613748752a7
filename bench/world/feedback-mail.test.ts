import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFeedback } from '../../src/feedback/index.js';
import { buildArf, buildDsn, type Delivered } from './feedback-mail.js';

const original = Buffer.from(
  [
    'From: "Shop" <notify@tx-01.tenants.world.test>',
    'To: <user0042@yahoo.world.test>',
    'Date: Mon, 05 Jan 2026 09:00:00 +0000',
    'Message-ID: <w1.42@tx-01.tenants.world.test>',
    'Subject: Your order',
    'DKIM-Signature: v=1; a=rsa-sha256; d=outpost.world.test; s=outpost; h=from; bh=x; b=y',
    'Feedback-ID: tx-01:outpost',
    'MIME-Version: 1.0',
    'Content-Type: text/plain',
    '',
    'Hello',
    '',
  ].join('\r\n'),
);
const delivered: Delivered = {
  raw: original,
  mailFrom: 'b-ab12cd34@outpost.world.test',
  rcpt: 'user0042@yahoo.world.test',
  sourceIp: '127.88.1.2',
  helo: 'mta2.outpost.world.test',
  receivedAt: new Date('2026-01-05T09:00:01Z'),
};
const reporter = { domain: 'yahoo.world.test', mta: 'mx.yahoo.world.test' };

for (const format of ['yahoo', 'rfc5965'] as const) {
  test(`ARF (${format}) reads as a complaint with the original's attribution`, async () => {
    const r = await parseFeedback(buildArf(format, delivered, reporter, 'fbl@outpost.world.test', new Date()));
    assert.equal(r.kind, 'complaint');
    assert.equal(r.format, 'arf');
    assert.equal(r.complaint?.feedbackType, 'abuse');
    assert.equal(r.complaint?.originalMailFrom, 'b-ab12cd34@outpost.world.test');
    assert.deepEqual(r.complaint?.originalRcptTo, ['user0042@yahoo.world.test']);
    assert.equal(r.original?.returnPath, 'b-ab12cd34@outpost.world.test', 'VERP token position');
    assert.equal(r.original?.messageId, 'w1.42@tx-01.tenants.world.test');
    assert.equal(r.original?.feedbackId, 'tx-01:outpost');
    assert.deepEqual(r.original?.dkimSignatures, [{ d: 'outpost.world.test', s: 'outpost' }]);
    if (format === 'rfc5965') assert.equal(r.complaint?.sourceIp, '127.88.1.2');
    else assert.equal(r.complaint?.userAgent, 'Yahoo!-Mail-Feedback/2.0');
  });
}

for (const format of ['gmail', 'postfix'] as const) {
  test(`DSN (${format}) reads as a hard bounce for the unknown recipient`, async () => {
    const r = await parseFeedback(buildDsn(format, delivered, reporter, new Date()));
    assert.equal(r.kind, 'bounce');
    assert.equal(r.format, 'dsn');
    assert.equal(r.recipients.length, 1);
    assert.equal(r.recipients[0]!.rcpt, 'user0042@yahoo.world.test');
    assert.equal(r.recipients[0]!.status, '5.1.1');
    assert.equal(r.recipients[0]!.hard, true);
    assert.equal(r.recipients[0]!.reason, 'userunknown');
    assert.equal(r.original?.returnPath, 'b-ab12cd34@outpost.world.test');
    assert.equal(r.original?.messageId, 'w1.42@tx-01.tenants.world.test');
  });
}

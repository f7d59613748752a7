import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFeedbackId, parseFeedbackId, tenantHeaderLines, validateFeedbackId } from './tenant-headers.js';
import { SignError } from './errors.js';

test('Feedback-ID: Gmail format, SenderId last and 5-15 characters', () => {
  const v = formatFeedbackId({ campaign: 'spring-2026', tenantId: 'acme', mailType: 'marketing', senderId: 'outpost1' });
  assert.equal(v, 'spring-2026:acme:marketing:outpost1');
  assert.deepEqual(parseFeedbackId(v), { campaign: 'spring-2026', tenantId: 'acme', mailType: 'marketing', senderId: 'outpost1' });
  assert.equal(formatFeedbackId({ tenantId: 'acme', senderId: 'outpost1' }), ':acme::outpost1');
  for (const bad of ['acme:abc', 'a:b:c:d:outpost1', 'a:b c:outpost1', 'a:b\r\nBcc: x:outpost1', 'a:b:sixteen-chars-long', 'outpost1']) {
    assert.throws(() => validateFeedbackId(bad), SignError, bad);
  }
});

test('header lines: Feedback-ID always, CFBL pair only with an address', () => {
  assert.equal(tenantHeaderLines('c:acme:t:outpost1'), 'Feedback-ID: c:acme:t:outpost1\r\n');
  assert.equal(
    tenantHeaderLines('c:acme:t:outpost1', 'fbl@outpost.example'),
    'Feedback-ID: c:acme:t:outpost1\r\nCFBL-Address: fbl@outpost.example; report=arf\r\nCFBL-Feedback-ID: c:acme:t:outpost1\r\n',
  );
  assert.throws(() => tenantHeaderLines('c:acme:t:outpost1', 'fbl@outpost.example\r\nBcc: x@y'), SignError);
});

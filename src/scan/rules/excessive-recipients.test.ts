import { test } from 'node:test';
import assert from 'node:assert/strict';
import { excessiveRecipients } from './excessive-recipients.js';
import { basicMail, ruleInput } from '../testing.js';

test('excessive-recipients counts envelope and header recipients against the limit', () => {
  const raw = basicMail();
  assert.match(excessiveRecipients.check(ruleInput(raw, { ctx: { recipientCount: 500, mailFrom: 'a@b.example' } })) ?? '', /500 recipients/);
  const many = basicMail({ To: Array.from({ length: 120 }, (_, i) => `u${i}@example.net`).join(', ') });
  assert.match(excessiveRecipients.check(ruleInput(many)) ?? '', /120 recipients/);
  assert.equal(excessiveRecipients.check(ruleInput(raw, { ctx: { recipientCount: 100, mailFrom: 'a@b.example' } })), null);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { credentialForm } from './credential-form.js';
import { basicMail, ruleInput, withAttachment } from '../testing.js';

test('credential-form: password fields anywhere, foreign form posts in HTML attachments', () => {
  const body = basicMail({ 'Content-Type': 'text/html' }, '<form action="https://x.example/p"><input name=u><input type=password name=p></form>');
  assert.match(credentialForm.check(ruleInput(body)) ?? '', /password/);
  const page = withAttachment('Remittance.htm', Buffer.from('<form action="https://collector.example/gate.php"><input name="email"></form>'), 'text/html');
  assert.match(credentialForm.check(ruleInput(page)) ?? '', /collector\.example/);
});

test('credential-form: a newsletter search box in the body is fine', () => {
  const body = basicMail({ 'Content-Type': 'text/html' }, '<form action="https://search.example/q"><input name=q></form>');
  assert.equal(credentialForm.check(ruleInput(body)), null);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { htmlOnlyLittleText } from './html-only-little-text.js';
import { basicMail, ruleInput } from '../testing.js';

test('html-only-little-text: image-only HTML fires; HTML with text or a text part does not', () => {
  const img = basicMail({ 'Content-Type': 'text/html' }, '<a href="http://x.example/"><img src="http://x.example/offer.jpg"></a>');
  assert.match(htmlOnlyLittleText.check(ruleInput(img)) ?? '', /HTML-only/);
  const wordy = basicMail({ 'Content-Type': 'text/html' }, '<p>' + 'This newsletter has a proper amount of readable text in it. '.repeat(3) + '</p>');
  assert.equal(htmlOnlyLittleText.check(ruleInput(wordy)), null);
  assert.equal(htmlOnlyLittleText.check(ruleInput(basicMail())), null);
});

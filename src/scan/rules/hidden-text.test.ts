import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hiddenText } from './hidden-text.js';
import { basicMail, ruleInput } from '../testing.js';

test('hidden-text fires on stuffed invisible text only', () => {
  const stuffed = basicMail({ 'Content-Type': 'text/html' }, '<p>Buy now</p><div style="display:none">' + 'meeting agenda project budget '.repeat(10) + '</div>');
  assert.match(hiddenText.check(ruleInput(stuffed)) ?? '', /hidden/);
  assert.equal(hiddenText.check(ruleInput(basicMail({ 'Content-Type': 'text/html' }, '<p>Visible</p><span style="display:none">preheader</span>'))), null);
});

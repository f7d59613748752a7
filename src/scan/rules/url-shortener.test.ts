import { test } from 'node:test';
import assert from 'node:assert/strict';
import { urlShortener } from './url-shortener.js';
import { basicMail, ruleInput } from '../testing.js';

test('url-shortener fires on shortener hosts only', () => {
  assert.match(urlShortener.check(ruleInput(basicMail({}, 'Your document: https://bit.ly/3xYz12'))) ?? '', /bit\.ly/);
  assert.equal(urlShortener.check(ruleInput(basicMail({}, 'Your document: https://docs.example.com/3xYz12'))), null);
});

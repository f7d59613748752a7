import { test } from 'node:test';
import assert from 'node:assert/strict';
import { urlUserinfo } from './url-userinfo.js';
import { basicMail, ruleInput } from '../testing.js';

test('url-userinfo fires on user@host URLs only', () => {
  assert.match(urlUserinfo.check(ruleInput(basicMail({}, 'Go to http://www.mybank.com@login-check.example/x'))) ?? '', /login-check\.example/);
  assert.equal(urlUserinfo.check(ruleInput(basicMail({}, 'Go to https://www.mybank.com/x'))), null);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { urlIpLiteral } from './url-ip-literal.js';
import { basicMail, ruleInput } from '../testing.js';

test('url-ip-literal fires on IP hosts (decimal form too), not on names', () => {
  assert.match(urlIpLiteral.check(ruleInput(basicMail({}, 'Log in at http://3232238081/login now'))) ?? '', /192\.168\.10\.1/);
  assert.equal(urlIpLiteral.check(ruleInput(basicMail({}, 'See https://example.org/docs'))), null);
});

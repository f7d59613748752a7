import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unparseable } from './unparseable.js';
import { basicMail, ruleInput } from '../testing.js';

test('unparseable fires on empty and header-less input only', () => {
  assert.match(unparseable.check(ruleInput(Buffer.alloc(0))) ?? '', /empty/);
  assert.match(unparseable.check(ruleInput(Buffer.from('\u0000\u0001\u0002binary'.repeat(100)))) ?? '', /no RFC 5322/);
  assert.equal(unparseable.check(ruleInput(basicMail())), null);
});

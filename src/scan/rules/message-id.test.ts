import { test } from 'node:test';
import assert from 'node:assert/strict';
import { messageIdForged, messageIdMissing } from './message-id.js';
import { basicMail, ruleInput } from '../testing.js';

test('message-id-missing', () => {
  assert.match(messageIdMissing.check(ruleInput(basicMail({ 'Message-ID': undefined }))) ?? '', /no Message-ID/);
  assert.equal(messageIdMissing.check(ruleInput(basicMail())), null);
});

test('message-id-forged: malformed ids fire, well-formed ones (even @localhost) do not', () => {
  assert.match(messageIdForged.check(ruleInput(basicMail({ 'Message-ID': '1234567' }))) ?? '', /malformed/);
  assert.match(messageIdForged.check(ruleInput(basicMail({ 'Message-ID': '<a b@c>' }))) ?? '', /malformed/);
  assert.equal(messageIdForged.check(ruleInput(basicMail({ 'Message-ID': '<x.1@localhost>' }))), null);
});

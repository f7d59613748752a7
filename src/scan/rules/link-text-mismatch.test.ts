import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linkTextMismatch } from './link-text-mismatch.js';
import { basicMail, ruleInput } from '../testing.js';

const html = (a: string): Buffer => basicMail({ 'Content-Type': 'text/html' }, `<p>Please ${a}</p>`);

test('link-text-mismatch: text shows one domain, href goes to another', () => {
  assert.match(linkTextMismatch.check(ruleInput(html('<a href="http://secure-check.example/">www.mybank.com</a>'))) ?? '', /mybank\.com.*secure-check\.example/);
});

test('link-text-mismatch: same registrable domain, plain words, and redirectors carrying the target are fine', () => {
  assert.equal(linkTextMismatch.check(ruleInput(html('<a href="https://login.mybank.com/x">www.mybank.com</a>'))), null);
  assert.equal(linkTextMismatch.check(ruleInput(html('<a href="http://evil.example/">click here</a>'))), null);
  assert.equal(linkTextMismatch.check(ruleInput(html('<a href="http://click.esp.example/r?u=https%3A%2F%2Fwww.shop.example%2F">www.shop.example</a>'))), null);
});

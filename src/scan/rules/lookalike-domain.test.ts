import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lookalikeDomain } from './lookalike-domain.js';
import { basicMail, ruleInput } from '../testing.js';

const link = (u: string): string | null => lookalikeDomain.check(ruleInput(basicMail({}, `Please review: ${u}`)));

test('lookalike-domain: homoglyphs, digit swaps, typos, brand words and brand subdomains', () => {
  assert.match(link('https://xn--pypal-4ve.com/signin') ?? '', /PayPal/); // Cyrillic а
  assert.match(link('https://paypa1.com/signin') ?? '', /PayPal/);
  assert.match(link('https://arnazon.com/orders') ?? '', /Amazon/); // rn -> m
  assert.match(link('https://micros0ft-login.example/') ?? '', /Microsoft/);
  assert.match(link('https://netflix-billing-update.com/') ?? '', /Netflix/);
  assert.match(link('https://paypal.com.account-review.example/') ?? '', /PayPal/);
  assert.match(lookalikeDomain.check(ruleInput(basicMail({ From: 'Support <support@docusigne.com>' }))) ?? '', /DocuSign/);
});

test('lookalike-domain: real brand domains and unrelated words are fine', () => {
  assert.equal(link('https://www.paypal.com/signin'), null);
  assert.equal(link('https://login.microsoftonline.com/'), null);
  assert.equal(link('https://www.apply-now.example/'), null);
  assert.equal(link('https://www.example.org/amazonian-rainforest'), null);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { brandImpersonation } from './brand-impersonation.js';
import { basicMail, ruleInput } from '../testing.js';

const from = (f: string): string | null => brandImpersonation.check(ruleInput(basicMail({ From: f })));

test('brand-impersonation: brand display names on foreign domains', () => {
  assert.match(from('"PayPal Security" <alerts@secure-mailer.example>') ?? '', /PayPal/);
  assert.match(from('"Microsoft 365 Team" <no-reply@m365-notice.example>') ?? '', /Microsoft/);
  assert.match(from('"Apple Support" <help@icl0ud-help.example>') ?? '', /Apple/);
  assert.match(from('"service@paypal.com" <x@evil.example>') ?? '', /shows service@paypal\.com/);
});

test('brand-impersonation: the brand itself, ordinary names and ambiguous words without cues', () => {
  assert.equal(from('"PayPal" <service@paypal.com>'), null);
  assert.equal(from('"PayPal" <service@mail.paypal.de>'), null);
  assert.equal(from('"Microsoft" <account-security-noreply@accountprotection.microsoft.com>'), null);
  assert.equal(from('"Apple Valley Farm Shop" <news@applevalley.example>'), null);
  assert.equal(from('"Anna Chase" <anna@chase-family.example>'), null);
});

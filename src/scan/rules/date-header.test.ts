import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDate, dateForged, dateMissing, dateStale } from './date-header.js';
import { basicMail, ruleInput, TEST_NOW } from '../testing.js';

test('date-missing', () => {
  assert.match(dateMissing.check(ruleInput(basicMail({ Date: undefined }))) ?? '', /no Date/);
  assert.equal(dateMissing.check(ruleInput(basicMail())), null);
});

test('date-forged: malformed, impossible zone, wrong weekday', () => {
  assert.match(dateForged.check(ruleInput(basicMail({ Date: 'yesterday at noon' }))) ?? '', /malformed/);
  assert.match(dateForged.check(ruleInput(basicMail({ Date: 'Fri, 02 Aug 2002 23:37:59 0530' }))) ?? '', /malformed|time zone/);
  assert.match(dateForged.check(ruleInput(basicMail({ Date: 'Mon, 05 Mar 2024 10:00:00 +0000' }))) ?? '', /is a tue/);
  // A well-formed date far from the receive time is date-stale's business, not date-forged's.
  assert.equal(dateForged.check(ruleInput(basicMail({ Date: 'Sat, 09 Mar 2024 10:00:00 +0000' }))), null);
  assert.equal(dateForged.check(ruleInput(basicMail({ Date: 'Thu, 01 Feb 2024 10:00:00 +0000' }))), null);
});

test('date-stale: far future, far past; near dates and malformed dates do not fire', () => {
  assert.match(dateStale.check(ruleInput(basicMail({ Date: 'Sat, 09 Mar 2024 10:00:00 +0000' }))) ?? '', /hours in the future/);
  assert.match(dateStale.check(ruleInput(basicMail({ Date: 'Thu, 01 Feb 2024 10:00:00 +0000' }))) ?? '', /days in the past/);
  assert.equal(dateStale.check(ruleInput(basicMail())), null);
  assert.equal(dateStale.check(ruleInput(basicMail({ Date: 'Mon, 04 Mar 2024 10:00:00 +0000' }))), null);
  assert.equal(dateStale.check(ruleInput(basicMail({ Date: 'yesterday at noon' }))), null);
  assert.equal(dateStale.check(ruleInput(basicMail({ Date: undefined }))), null);
});

test('date-forged: a correct recent date, zones and obsolete forms are fine', () => {
  assert.equal(dateForged.check(ruleInput(basicMail())), null);
  assert.equal(dateForged.check(ruleInput(basicMail({ Date: '5 Mar 2024 05:00:00 EST' }))), null);
  assert.equal(dateForged.check(ruleInput(basicMail({ Date: 'Tue, 5 Mar 24 11:00 +0100 (CET)' }))), null);
  assert.equal(checkDate('Tue, 05 Mar 2024 10:00:00 +0000').time, TEST_NOW - 5 * 60000);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fingerprintBands, fingerprintDistance, fingerprintText, simhash } from './fingerprint.js';
import { createScanner } from './scanner.js';
import { basicMail } from './testing.js';

const campaign =
  'Dear customer, your mailbox storage is almost full. To avoid losing incoming messages you must verify your account within 24 hours. ' +
  'Click the secure link below and sign in with your current password. Our team will then upgrade your quota free of charge. ' +
  'Failure to verify will result in suspension of your email service. Thank you for choosing our service.';

test('near-duplicates are a few bits apart, different texts far apart', () => {
  const a = fingerprintText('', campaign + ' Reference 48213.');
  const b = fingerprintText('', campaign.replace('24 hours', '48 hours') + ' Reference 99120.');
  const c = fingerprintText('', 'The quarterly board meeting has moved to Thursday at 3pm in room 4. Please bring the budget figures and the draft of the hiring plan so that we can agree on priorities before the end of the month.');
  assert.equal(a.length, 16);
  assert.ok(fingerprintDistance(a, b) <= 10, `near copy distance ${fingerprintDistance(a, b)}`);
  assert.ok(fingerprintDistance(a, c) >= 20, `unrelated distance ${fingerprintDistance(a, c)}`);
});

test('too little text gives no fingerprint', () => {
  assert.equal(simhash(['only', 'three', 'words']), '');
  assert.equal(fingerprintDistance('', 'abcd'), 64);
});

test('bands: fingerprints within distance 3 share a band', () => {
  const a = '0123456789abcdef';
  const flipped = (BigInt('0x' + a) ^ 0x8000_0000_8000_0001n).toString(16).padStart(16, '0');
  assert.equal(fingerprintDistance(a, flipped), 3);
  const shared = fingerprintBands(a).filter((x) => fingerprintBands(flipped).includes(x));
  assert.ok(shared.length >= 1);
});

test('the scanner fingerprints the same campaign from different tenants alike', async () => {
  const scanner = createScanner();
  const v1 = await scanner.scan(basicMail({ From: 'a@one.example' }, campaign + '\nCustomer id 1234'), { recipientCount: 1, mailFrom: 'a@one.example', tenantId: 't1' });
  const v2 = await scanner.scan(basicMail({ From: 'b@two.example', Subject: 'Action required' }, 'Hello Maria,\n' + campaign + '\nCustomer id 98765'), { recipientCount: 1, mailFrom: 'b@two.example', tenantId: 't2' });
  assert.ok(v1.fingerprint !== '' && fingerprintDistance(v1.fingerprint, v2.fingerprint) <= 10);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createScanner } from './scanner.js';
import { isShortPlainMessage } from './short-message.js';
import { basicMail, TEST_NOW, viewOf, withAttachment } from './testing.js';

const ctx = { recipientCount: 1, mailFrom: 'sender@tenant.example', receivedAt: TEST_NOW };
const scanner = createScanner();

const honest: [string, Record<string, string>, string][] = [
  ['two-line note', { From: 'Bob <bob@example.org>', Subject: 'pref' }, 'hello pref\n'],
  ['see you at 3', { From: 'Bob <bob@example.org>', Subject: 'Re: tomorrow' }, 'see you at 3\n'],
  [
    'password reset',
    { From: 'Example <no-reply@example.org>', Subject: 'Reset your password', 'Message-ID': '<r.8f2a91@example.org>' },
    'Hi Anna,\nuse this link to reset your password: https://example.org/reset?t=8f2a91\nIf you did not ask for this, ignore this mail.\n',
  ],
  [
    'order confirmation',
    { From: 'Shop <orders@shop.example>', Subject: 'Order 10442 confirmed', 'Message-ID': '<o10442@shop.example>' },
    'Thanks for your order 10442.\nTotal: EUR 23.90. We will email you when it ships: https://www.shop.example/orders/10442\n',
  ],
];

for (const [name, headers, body] of honest) {
  test(`short honest mail is clean: ${name}`, async () => {
    const v = await scanner.scan(basicMail(headers, body), ctx);
    assert.equal(v.class, 'clean', JSON.stringify(v));
  });
}

const shortSpam: [string, string][] = [
  ['Cheap v1agra', 'Cheap v1agra, click here http://pills.example.biz/buy\n'],
  ['Cheap viagra', 'Cheap viagra, click http://pills.example.biz/buy\n'],
  ['Make money fast', 'Earn $5000 a week from home! Click here: http://cash.example.biz/join\n'],
];

for (const [subject, body] of shortSpam) {
  test(`short spam with a link elsewhere is not clean: ${subject}`, async () => {
    const v = await scanner.scan(basicMail({ From: 'Deals <deals@shop.example>', Subject: subject, 'Message-ID': '<d1@shop.example>' }, body), ctx);
    assert.notEqual(v.class, 'clean', JSON.stringify(v));
    assert.ok(!/short plain message/.test(v.reasons[0]?.detail ?? ''), 'the guard does not apply to links elsewhere');
  });
}

test('the guard is explained, and rules still count on guarded messages', async () => {
  const v = await scanner.scan(basicMail({ From: 'Shop <orders@shop.example>', Subject: 'Order 10442 confirmed', 'Message-ID': '<o10442@shop.example>' }, 'Thanks for your order 10442.\nWe will email you when it ships.\n'), ctx);
  const model = v.reasons.find((r) => r.rule === 'model');
  assert.equal(model?.weight, -0.5, JSON.stringify(v));
  assert.match(model?.detail ?? '', /short plain message: model log-odds \d+\.\d+ capped at -0.5/);
  const ipLink = await scanner.scan(basicMail({ Subject: 'hi' }, 'look http://192.0.2.7/x\n'), ctx);
  assert.ok(ipLink.reasons.some((r) => r.rule === 'url-ip-literal'));
  assert.notEqual(ipLink.class, 'clean');
});

test('which messages the guard covers', () => {
  assert.equal(isShortPlainMessage(viewOf(basicMail({}, 'see you at 3\n'))), true);
  assert.equal(isShortPlainMessage(viewOf(basicMail({}, 'reset: https://www.example.org/r?t=1\n'))), true, 'link to the From domain');
  assert.equal(isShortPlainMessage(viewOf(basicMail({}, 'click http://pills.example.biz/buy\n'))), false, 'link elsewhere');
  assert.equal(isShortPlainMessage(viewOf(basicMail({ 'Content-Type': 'text/html' }, '<p>hello</p>'))), false, 'HTML');
  assert.equal(isShortPlainMessage(viewOf(withAttachment('a.pdf', Buffer.from('%PDF')))), false, 'attachment');
  assert.equal(isShortPlainMessage(viewOf(basicMail({}, 'word '.repeat(40)))), false, '40 words');
  assert.equal(isShortPlainMessage(viewOf(basicMail({}, 'word '.repeat(39)))), true, '39 words');
  assert.equal(isShortPlainMessage(viewOf(Buffer.alloc(0))), false, 'unparseable');
});

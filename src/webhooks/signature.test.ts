import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { newWebhookSecret, sign, verifySignature } from './signature.js';
import { checkTarget } from './targets.js';

test('sign: t=<seconds>,v1=HMAC-SHA256(secret, "t.body"); verify accepts it within the tolerance only', () => {
  const secret = newWebhookSecret();
  const body = '{"id":"1","type":"delivered"}';
  const h = sign(secret, 1_800_000_000, body);
  assert.equal(h, `t=1800000000,v1=${createHmac('sha256', secret).update(`1800000000.${body}`).digest('hex')}`);
  assert.ok(verifySignature(secret, h, body, 1_800_000_100));
  assert.ok(!verifySignature(secret, h, body, 1_800_000_301), 'older than 5 minutes');
  assert.ok(!verifySignature(secret, h, body + ' ', 1_800_000_000), 'changed body');
  assert.ok(!verifySignature(newWebhookSecret(), h, body, 1_800_000_000), 'other secret');
  assert.ok(!verifySignature(secret, 'v1=abc', body, 1_800_000_000), 'no timestamp');
});

test('webhook targets: http(s) only, no credentials, no private literals for tenants unless allowed', () => {
  assert.equal(checkTarget('https://hooks.example.com/x', { tenant: true, allowPrivate: false }), 'https://hooks.example.com/x');
  for (const bad of ['ftp://x.example/', 'https://u:p@x.example/', 'not a url']) assert.throws(() => checkTarget(bad, { tenant: false, allowPrivate: false }));
  for (const p of ['http://127.0.0.1/', 'http://10.1.2.3/', 'http://[::1]/', 'http://localhost:8080/', 'http://192.168.1.1/', 'http://169.254.169.254/']) {
    assert.throws(() => checkTarget(p, { tenant: true, allowPrivate: false }), /private and loopback/, p);
    assert.ok(checkTarget(p, { tenant: false, allowPrivate: false }), 'the operator may');
    assert.ok(checkTarget(p, { tenant: true, allowPrivate: true }));
  }
});

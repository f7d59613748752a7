import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, verify, sign } from 'node:crypto';
import { generateDkimKey, publicDnsValueFor, dnsTxtStrings, dnsValueMatches, dkimRecordName, loadPrivateKey } from './dkim-key.js';
import { SignError } from './errors.js';

test('RSA-2048 key: PEM private key and a k=rsa record whose p= is the SPKI public key', async () => {
  const k = await generateDkimKey('rsa2048');
  assert.match(k.privateKeyPem, /^-----BEGIN PRIVATE KEY-----/);
  const m = /^v=DKIM1; k=rsa; p=([A-Za-z0-9+/=]+)$/.exec(k.publicDnsValue);
  assert.ok(m, k.publicDnsValue);
  const pub = createPublicKey({ key: Buffer.from(m[1]!, 'base64'), format: 'der', type: 'spki' });
  assert.equal(pub.asymmetricKeyDetails?.modulusLength, 2048);
  const sig = sign('sha256', Buffer.from('x'), loadPrivateKey(k.privateKeyPem));
  assert.ok(verify('sha256', Buffer.from('x'), pub, sig));
  assert.equal(publicDnsValueFor(k.privateKeyPem), k.publicDnsValue);
  const parts = dnsTxtStrings(k.publicDnsValue);
  assert.ok(parts.length >= 2 && parts.every((p) => p.length <= 255) && parts.join('') === k.publicDnsValue);
});

test('Ed25519 key: record carries the raw 32-byte key (RFC 8463), not SPKI', async () => {
  const k = await generateDkimKey('ed25519');
  const m = /^v=DKIM1; k=ed25519; p=([A-Za-z0-9+/=]+)$/.exec(k.publicDnsValue);
  assert.ok(m, k.publicDnsValue);
  assert.equal(Buffer.from(m[1]!, 'base64').length, 32);
});

test('record comparison ignores spacing, order and extra tags but not the key', async () => {
  const [a, b] = await Promise.all([generateDkimKey('ed25519'), generateDkimKey('ed25519')]);
  const p = a.publicDnsValue.split('p=')[1]!;
  assert.equal(dnsValueMatches(`k=ed25519;  t=s; v=DKIM1; p=${p.slice(0, 10)} ${p.slice(10)}`, a.publicDnsValue), true);
  assert.equal(dnsValueMatches(b.publicDnsValue, a.publicDnsValue), false);
  assert.equal(dnsValueMatches(`v=DKIM1; k=rsa; p=${p}`, a.publicDnsValue), false);
  assert.equal(dnsValueMatches('v=DKIM1; p=', a.publicDnsValue), false);
  assert.equal(dkimRecordName('S1', 'Example.COM'), 's1._domainkey.example.com');
});

test('unreadable keys are SignErrors that do not echo the key', () => {
  const secret = '-----BEGIN PRIVATE KEY-----\nTOPSECRETBYTES\n-----END PRIVATE KEY-----';
  assert.throws(() => loadPrivateKey(secret), (e: unknown) => e instanceof SignError && e.code === 'bad-key' && !e.message.includes('TOPSECRET'));
});

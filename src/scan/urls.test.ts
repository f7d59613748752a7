import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createUrlAnalyzer, displayedHost, findTextUrls } from './urls.js';

test('registrable domains are public-suffix aware', () => {
  const a = createUrlAnalyzer();
  assert.equal(a.analyse('https://login.shop.example.co.uk/x', 'href')?.domain, 'example.co.uk');
  assert.equal(a.analyse('www.Example.com/path', 'text')?.host, 'www.example.com');
  assert.equal(a.analyse('mailto:x@y.z', 'href'), null);
});

test('IP literals in every spelling are recognised', () => {
  const a = createUrlAnalyzer();
  for (const u of ['http://192.168.10.1/', 'http://3232238081/', 'http://0xC0.0xA8.0x0A.0x01/', 'http://[2001:db8::1]/']) {
    assert.equal(a.analyse(u, 'href')?.ip, true, u);
  }
  assert.equal(a.analyse('http://example.com/', 'href')?.ip, false);
});

test('user-info before the host is flagged and the real host used', () => {
  const u = createUrlAnalyzer().analyse('http://www.paypal.com@evil.example/login', 'href');
  assert.equal(u?.host, 'evil.example');
  assert.equal(u?.userinfo, true);
});

test('text URL discovery strips trailing punctuation', () => {
  assert.deepEqual(findTextUrls('see https://a.example/x). and www.b.example, ok', 10), ['https://a.example/x', 'www.b.example']);
});

test('displayed host in link text', () => {
  assert.equal(displayedHost('www.PayPal.com'), 'www.paypal.com');
  assert.equal(displayedHost('https://bank.example/login'), 'bank.example');
  assert.equal(displayedHost('click here'), null);
  assert.equal(displayedHost('Read the full story on our blog, also mentioned at news.example today'), null);
});

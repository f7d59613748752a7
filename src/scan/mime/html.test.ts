import { test } from 'node:test';
import assert from 'node:assert/strict';
import { htmlToText } from './html.js';

test('visible text, entities, block breaks; scripts, styles and comments dropped', () => {
  const r = htmlToText('<html><head><title>T</title><style>p{color:red}</style><script>var x="hidden";</script></head><body><p>Caf&eacute; &amp; cr&#232;me&nbsp;&#x263A;</p><!-- secret --><div>next</div></body></html>');
  assert.match(r.text, /Café & crème ☺/);
  assert.match(r.text, /next/);
  assert.doesNotMatch(r.text, /hidden|secret|color/);
});

test('hidden-text tricks are removed and counted', () => {
  const r = htmlToText(
    '<p>Visible offer</p><div style="display:none">stuffed words one</div><span style="font-size:0px">stuffed two</span><p hidden>stuffed three</p><font size=0>stuffed four</font><div style="visibility: hidden"><div>nested stuffed</div>still hidden</div><p>after</p>',
  );
  assert.match(r.text, /Visible offer/);
  assert.match(r.text, /after/);
  assert.doesNotMatch(r.text, /stuffed|still hidden/);
  assert.ok(r.hiddenChars > 50);
});

test('links keep href and visible text; forms, password fields and images are counted', () => {
  const r = htmlToText('<a href="http://evil.example/x?a=1&amp;b=2">www.bank.com</a> <img src="http://img.example/i.png" alt="logo"><form action="https://collect.example/post"><input type="password" name="p"></form>');
  assert.deepEqual(r.links, [{ href: 'http://evil.example/x?a=1&b=2', text: 'www.bank.com' }]);
  assert.equal(r.images, 1);
  assert.deepEqual(r.urls, ['http://img.example/i.png']);
  assert.equal(r.forms, 1);
  assert.deepEqual(r.formActions, ['https://collect.example/post']);
  assert.equal(r.passwordFields, 1);
});

test('malformed HTML never throws', () => {
  for (const s of ['<', '<a href=', '<<>>', '<div style="display:none">unclosed', '&#99999999;&#xD800;', '<script>never closed', '<!-- open comment']) {
    assert.doesNotThrow(() => htmlToText(s));
  }
  assert.doesNotMatch(htmlToText('<div style="display:none">unclosed').text, /unclosed/);
});

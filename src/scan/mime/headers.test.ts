import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeWords, parseAddresses, parseHeaderBlock, parseStructured } from './headers.js';

test('unfolding, lower-cased names, raw names kept, mbox From line skipped', () => {
  const { headers } = parseHeaderBlock('From x@y Thu Aug 22 12:36:23 2002\nSubject: one\n two\nX-MAILER: M\n');
  assert.deepEqual(headers, [
    { name: 'subject', value: 'one two', rawName: 'Subject' },
    { name: 'x-mailer', value: 'M', rawName: 'X-MAILER' },
  ]);
});

test('RFC 2047 encoded words: B and Q, adjacent words joined', () => {
  assert.equal(decodeWords('=?utf-8?B?SGVsbG8=?= =?utf-8?Q?_w=C3=B6rld?='), 'Hello wörld');
  assert.equal(decodeWords('plain'), 'plain');
  assert.equal(decodeWords('=?bogus?Q?abc?='), 'abc');
});

test('structured parameters incl. RFC 2231 continuations', () => {
  const ct = parseStructured('Multipart/Mixed; boundary="a;b"; charset=UTF-8');
  assert.equal(ct.value, 'multipart/mixed');
  assert.equal(ct.params['boundary'], 'a;b');
  const cd = parseStructured("attachment; filename*0*=utf-8''r%C3%A9sum; filename*1*=%C3%A9.pdf");
  assert.equal(cd.params['filename'], 'résumé.pdf');
});

test('address lists: quoted names, comments, groups', () => {
  assert.deepEqual(parseAddresses('"Doe, Jane" <Jane@Example.org>, bob@example.com (Bob), team: a@x.org, b@x.org;'), [
    { name: 'Doe, Jane', address: 'jane@example.org' },
    { name: 'Bob', address: 'bob@example.com' },
    { name: '', address: 'a@x.org' },
    { name: '', address: 'b@x.org' },
  ]);
});

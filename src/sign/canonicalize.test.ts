import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { relaxedBodyHash, relaxedHeader } from './canonicalize.js';
import { removeFields, splitMessage } from './message-headers.js';

/** RFC 6376 3.4.4 written the slow, obvious way, line by line. */
function referenceBodyHash(buf: Buffer): string {
  let lines = buf.toString('latin1').split(/\r?\n/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  lines = lines.map((l) => l.replace(/[ \t]+/g, ' ').replace(/ $/, ''));
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return createHash('sha256')
    .update(lines.length ? lines.join('\r\n') + '\r\n' : '', 'latin1')
    .digest('base64');
}

test('relaxed body hash matches the reference on edge cases and 5,000 random bodies', () => {
  // Empty body: SHA-256 of the empty string (RFC 6376 errata 3192).
  assert.equal(relaxedBodyHash(Buffer.alloc(0)), '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
  assert.equal(relaxedBodyHash(Buffer.from('\r\n\r\n')), relaxedBodyHash(Buffer.alloc(0)));
  assert.equal(relaxedBodyHash(Buffer.from('a  b \t\r\n\r\n')), relaxedBodyHash(Buffer.from('a b\r\n')));
  assert.equal(relaxedBodyHash(Buffer.from('a\nb\n')), relaxedBodyHash(Buffer.from('a\r\nb\r\n')));
  let seed = 42;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const atoms = ['a', 'bc', ' ', '\t', '\r\n', '\n', '\r', '\xe9'];
  for (let i = 0; i < 5000; i++) {
    const body = Buffer.from(Array.from({ length: rnd(24) }, () => atoms[rnd(atoms.length)]).join(''), 'latin1');
    assert.equal(relaxedBodyHash(body), referenceBodyHash(body), JSON.stringify(body.toString('latin1')));
  }
});

test('the no-copy path (body already canonical) and the rewrite path agree with the reference on large bodies', () => {
  const line = (i: number): string => `Line ${i}: lorem ipsum dolor sit amet, consectetur adipiscing elit.`;
  const canonical = Buffer.from(Array.from({ length: 1500 }, (_, i) => line(i)).join('\r\n') + '\r\n\r\n', 'latin1');
  assert.equal(relaxedBodyHash(canonical), referenceBodyHash(canonical));
  for (const [at, insert] of [[5000, '\t'], [5000, '  '], [5000, ' \r\n'], [5000, '\n'], [0, '\n'], [canonical.length, ' '], [5000, ' \rx']] as const) {
    const b = Buffer.concat([canonical.subarray(0, at), Buffer.from(insert, 'latin1'), canonical.subarray(at)]);
    assert.equal(relaxedBodyHash(b), referenceBodyHash(b), JSON.stringify(insert));
  }
});

test('header splitting reads only the header section and finds the first empty line however lines end', () => {
  const body = Buffer.from('x'.repeat(1000) + '\r\n\r\nFrom: not a header\r\n');
  for (const head of ['From: a@b\r\nTo: c@d\r\n\r\n', 'From: a@b\nTo: c@d\n\n', 'From: a@b\nTo: c@d\n\r\n', 'From: a@b\r\nTo: c@d\n\n']) {
    const raw = Buffer.concat([Buffer.from(head), body]);
    const s = splitMessage(raw);
    assert.deepEqual(s.fields.map((f) => f.key), ['from', 'to'], JSON.stringify(head));
    assert.equal(s.bodyStart, head.length, JSON.stringify(head));
  }
  assert.equal(splitMessage(Buffer.from('\r\nbody')).bodyStart, 2);
  assert.equal(splitMessage(Buffer.from('\nbody')).bodyStart, 1);
  assert.deepEqual(splitMessage(Buffer.from('From: a@b\r\nTo: c@d')).fields.map((f) => f.key), ['from', 'to'], 'no body at all');
});

test('relaxed header: lower-case name, unfolded, white space collapsed and trimmed', () => {
  assert.equal(relaxedHeader('SubJect :  Hello \r\n\t  World  '), 'subject:Hello World');
  assert.equal(relaxedHeader('X-A:\xa0keep'), 'x-a:\xa0keep'); // 0xA0 is not WSP
});

test('header splitting keeps byte ranges so fields can be removed cleanly', () => {
  const raw = Buffer.from('From: a@b\r\nFeedback-ID: 1:2:3:abcde\r\n x\r\nTo: c@d\nSubject: s\r\n\r\nbody\r\n');
  const s = splitMessage(raw);
  assert.deepEqual(s.fields.map((f) => f.key), ['from', 'feedback-id', 'to', 'subject']);
  assert.equal(raw.subarray(s.bodyStart).toString(), 'body\r\n');
  const out = removeFields(raw, s, new Set(['feedback-id']));
  assert.equal(out?.toString(), 'From: a@b\r\nTo: c@d\nSubject: s\r\n\r\nbody\r\n');
  assert.equal(removeFields(raw, s, new Set(['cfbl-address'])), null);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldHeader, isSevenBitSafe, quotedPrintable, rfc5322Date, toCrlf, toPrintableAscii, wrapText } from './mime-text.js';

function decodeQp(s: string): Buffer {
  const joined = s.replace(/=\r\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    if (joined[i] === '=') {
      bytes.push(parseInt(joined.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(joined.charCodeAt(i));
  }
  return Buffer.from(bytes);
}

test('rfc5322Date is UTC with a +0000 zone', () => {
  assert.equal(rfc5322Date(new Date(Date.UTC(2026, 1, 3, 4, 5, 6))), 'Tue, 03 Feb 2026 04:05:06 +0000');
});

test('foldHeader keeps lines near the width and unfolds to the same words', () => {
  const value = Array.from({ length: 50 }, (_, i) => `w${i}`).join(' ');
  const folded = foldHeader('Diagnostic-Code', value, 40);
  for (const l of folded.split('\r\n')) assert.ok(l.length <= 40, l);
  assert.equal(folded.replace(/\r\n /g, ' '), `Diagnostic-Code: ${value}`);
  const huge = foldHeader('X', 'y'.repeat(2500));
  for (const l of huge.split('\r\n')) assert.ok(l.length <= 998);
});

test('quoted-printable keeps line breaks, escapes 8-bit and =, and caps lines at 76', () => {
  const src = Buffer.from('Subject: Grüße = ok \r\n' + 'z'.repeat(200) + '\r\nend\t', 'utf8');
  const qp = quotedPrintable(src);
  for (const l of qp.split('\r\n')) assert.ok(l.length <= 76, `${l.length}`);
  assert.ok(/^[\x20-\x7e\r\n]*$/.test(qp));
  assert.ok(qp.includes('=3D'));
  assert.ok(qp.endsWith('end=09'), 'trailing whitespace is encoded');
  assert.deepEqual(decodeQp(qp), src);
});

test('isSevenBitSafe rejects 8-bit, NUL, bare LF and long lines', () => {
  assert.equal(isSevenBitSafe(Buffer.from('a: b\r\nc: d')), true);
  assert.equal(isSevenBitSafe(Buffer.from('a: é')), false);
  assert.equal(isSevenBitSafe(Buffer.from('a\nb')), false);
  assert.equal(isSevenBitSafe(Buffer.from('a\0b')), false);
  assert.equal(isSevenBitSafe(Buffer.from('a'.repeat(999))), false);
});

test('toPrintableAscii, toCrlf and wrapText', () => {
  assert.equal(toPrintableAscii('a\r\nb\tc\u00e9  d'), 'a b c? d');
  assert.equal(toCrlf(Buffer.from('a\nb\rc\r\nd')).toString(), 'a\r\nb\r\nc\r\nd');
  const lines = wrapText('    ' + Array.from({ length: 40 }, () => 'word').join(' '), 30);
  assert.ok(lines.length > 1);
  for (const l of lines) assert.ok(l.length <= 30 && l.startsWith('    word'));
});

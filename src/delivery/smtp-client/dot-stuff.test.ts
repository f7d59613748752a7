import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dotStuff } from './dot-stuff.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');
const out = (chunks: string[]): string => Buffer.concat(dotStuff(chunks.map(b))).toString('latin1');

/** Reference receiver: split on CRLF up to the first "." line, undo the stuffing. */
function receive(wire: string): string | null {
  const lines = wire.split('\r\n');
  const body: string[] = [];
  for (const l of lines) {
    if (l === '.') return body.map((x) => x + '\r\n').join('');
    body.push(l.startsWith('.') ? l.slice(1) : l);
  }
  return null;
}

test('stuffs lines that start with a dot, including the first, and ends with CRLF.CRLF', () => {
  assert.equal(out(['.a\r\nb\r\n.\r\n..c\r\n']), '..a\r\nb\r\n..\r\n...c\r\n.\r\n');
  assert.equal(out(['.']), '..\r\n.\r\n');
  assert.equal(out(['.\r\n']), '..\r\n.\r\n');
  assert.equal(out(['no newline']), 'no newline\r\n.\r\n');
  assert.equal(out([]), '.\r\n');
  assert.equal(out(['', '']), '.\r\n');
});

test('line starts are tracked across chunk boundaries', () => {
  assert.equal(out(['a\r\n', '.b\r\n']), 'a\r\n..b\r\n.\r\n');
  assert.equal(out(['a\r', '\n.b\r\n']), 'a\r\n..b\r\n.\r\n');
  assert.equal(out(['a\r\n', '', '.', '.\r\n']), 'a\r\n...\r\n.\r\n');
  assert.equal(out(['a.', 'b\r\n']), 'a.b\r\n.\r\n');
  assert.equal(out(['x\r\n', '\r']), 'x\r\n\r\r\n.\r\n', 'ends in CR alone: a CRLF is added before the dot');
  assert.equal(out(['x\r', '\n']), 'x\r\n.\r\n', 'CR and LF in different chunks still end the body');
});

test('a dot after a bare LF is stuffed too, so a lax receiver cannot see an end of data', () => {
  assert.equal(out(['a\n.\r\nb\r\n']), 'a\n..\r\nb\r\n.\r\n');
  assert.equal(out(['a\n']), 'a\n\r\n.\r\n');
});

test('a body without dot lines is passed through without copies', () => {
  const body = b('Subject: x\r\n\r\nhello\r\n');
  const parts = dotStuff([body]);
  assert.equal(parts.length, 2);
  assert.equal(parts[0], body);
});

test('round trip through a reference receiver for random bodies and chunkings', () => {
  let seed = 42;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const alphabet = ['.', '.', 'a', 'b', '\r\n', '\r\n', ' ', '..'];
  for (let i = 0; i < 500; i++) {
    let lines = '';
    const nLines = rnd(8);
    for (let l = 0; l < nLines; l++) {
      let line = '';
      for (let k = rnd(6); k > 0; k--) line += alphabet[rnd(6)]!.replace('\r\n', '');
      lines += line + '\r\n';
    }
    const chunks: string[] = [];
    let rest = lines;
    while (rest.length > 0) {
      const n = 1 + rnd(rest.length);
      chunks.push(rest.slice(0, n));
      rest = rest.slice(n);
    }
    const wire = out(chunks);
    assert.equal(receive(wire), lines, JSON.stringify(chunks));
    assert.ok(wire.endsWith('\r\n.\r\n') || wire === '.\r\n');
    if (lines) assert.equal(wire.indexOf('\r\n.\r\n'), wire.length - 5, 'no early end of data');
  }
});

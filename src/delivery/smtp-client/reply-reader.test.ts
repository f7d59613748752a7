import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReplyProtocolError, ReplyReader, toSmtpReply, type RawReply } from './reply-reader.js';

function feed(reader: ReplyReader, ...parts: string[]): RawReply[] {
  const out: RawReply[] = [];
  for (const p of parts) reader.push(Buffer.from(p, 'utf8'), out);
  return out;
}

test('single and multi-line replies, split anywhere across chunks', () => {
  const text = '220 mx.test ESMTP\r\n250-mx.test\r\n250-PIPELINING\r\n250 SIZE 1000\r\n421-4.7.28 one\r\n421 4.7.28 two\r\n';
  for (let cut = 1; cut < text.length; cut++) {
    const out = feed(new ReplyReader(), text.slice(0, cut), text.slice(cut));
    assert.equal(out.length, 3, `cut at ${cut}`);
    assert.equal(out[0]!.code, 220);
    assert.deepEqual(out[1]!.lines, ['250-mx.test', '250-PIPELINING', '250 SIZE 1000']);
    assert.deepEqual(toSmtpReply(out[2]!), { code: 421, enhanced: '4.7.28', text: 'one two' });
  }
});

test('bare LF line ends and a code-only line are accepted', () => {
  const out = feed(new ReplyReader(), '250-a\n250\n');
  assert.equal(out.length, 1);
  assert.equal(out[0]!.code, 250);
  assert.deepEqual(out[0]!.lines, ['250-a', '250']);
});

test('an over-long line is cut, and the rest of it is discarded, not kept', () => {
  const r = new ReplyReader({ maxLineBytes: 16, maxLines: 100 });
  const long = '550 ' + 'x'.repeat(10_000);
  const out = feed(r, long.slice(0, 5000), long.slice(5000), '\r\n250 ok\r\n');
  assert.equal(out.length, 2);
  assert.equal(out[0]!.lines[0], '550 ' + 'x'.repeat(12));
  assert.ok(out[0]!.bytes <= 16);
  assert.equal(out[1]!.lines[0], '250 ok');
});

test('a reply with too many lines keeps the first lines and the last', () => {
  const r = new ReplyReader({ maxLineBytes: 100, maxLines: 5 });
  const lines = Array.from({ length: 1000 }, (_, i) => `250-line${i}\r\n`).join('') + '250 last\r\n';
  const out = feed(r, lines);
  assert.equal(out.length, 1);
  assert.deepEqual(out[0]!.lines, ['250-line0', '250-line1', '250-line2', '250-line3', '250 last']);
});

test('garbage is a protocol error', () => {
  assert.throws(() => feed(new ReplyReader(), 'hello there\r\n'), ReplyProtocolError);
  assert.throws(() => feed(new ReplyReader(), '25\r\n'), ReplyProtocolError);
  assert.throws(() => feed(new ReplyReader(), '250_x\r\n'), ReplyProtocolError);
  assert.throws(() => feed(new ReplyReader(), '650 x\r\n'), ReplyProtocolError);
});

test('pending tells whether an unfinished reply is held', () => {
  const r = new ReplyReader();
  assert.equal(r.pending, false);
  feed(r, '250-a\r\n');
  assert.equal(r.pending, true);
  feed(r, '250 b\r\n');
  assert.equal(r.pending, false);
  feed(r, '2');
  assert.equal(r.pending, true);
});

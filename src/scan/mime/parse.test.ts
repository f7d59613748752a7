import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMessage } from './parse.js';
import { parseWithPostalMime } from './postal.js';
import { basicMail, mail, withAttachment } from '../testing.js';
import { loadStdlibCorpus } from '../corpus.js';

test('plain message: headers, addresses, text', () => {
  const m = parseMessage(basicMail());
  assert.equal(m.unparseable, false);
  assert.equal(m.subject, 'Minutes');
  assert.deepEqual(m.from, { name: 'Bob Example', address: 'bob@example.org' });
  assert.equal(m.to[0]?.address, 'anna@example.net');
  assert.match(m.texts[0] ?? '', /minutes of Tuesday/);
  assert.deepEqual(m.defects, []);
});

test('nested multiparts: alternative inside mixed inside related, plus message/rfc822', () => {
  const raw = mail(
    { From: 'a@example.org', Subject: 'nested', 'Content-Type': 'multipart/mixed; boundary="outer"' },
    [
      '--outer',
      'Content-Type: multipart/related; boundary="mid"',
      '',
      '--mid',
      'Content-Type: multipart/alternative; boundary="inner"',
      '',
      '--inner',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'plain words here',
      '--inner',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>html <b>words</b> here</p>',
      '--inner--',
      '--mid--',
      '--outer',
      'Content-Type: message/rfc822',
      '',
      'Subject: forwarded subject',
      'From: c@example.com',
      '',
      'forwarded body text',
      '--outer--',
    ].join('\n'),
  );
  const m = parseMessage(raw);
  assert.equal(m.texts.some((t) => t.includes('plain words here')), true);
  assert.equal(m.texts.some((t) => t.includes('forwarded body text')), true);
  assert.equal(m.texts.some((t) => t.includes('forwarded subject')), true);
  assert.equal(m.htmls.some((t) => t.includes('<b>words</b>')), true);
  assert.deepEqual(
    m.parts.map((p) => [p.contentType, p.depth]),
    [
      ['multipart/mixed', 0],
      ['multipart/related', 1],
      ['multipart/alternative', 2],
      ['text/plain', 3],
      ['text/html', 3],
      ['message/rfc822', 1],
      ['text/plain', 2],
    ],
  );
});

test('boundary that is a prefix of another boundary does not split the inner part', () => {
  const raw = mail({ From: 'a@example.org', 'Content-Type': 'multipart/mixed; boundary="b"' }, [
    '--b',
    'Content-Type: multipart/alternative; boundary="b-inner"',
    '',
    '--b-inner',
    'Content-Type: text/plain',
    '',
    'inner text',
    '--b-inner--',
    '--b--',
  ].join('\n'));
  const m = parseMessage(raw);
  assert.deepEqual(m.texts.map((t) => t.trim()), ['inner text']);
});

test('broken encodings are decoded leniently and reported', () => {
  const raw = mail({ From: 'a@example.org', 'Content-Type': 'multipart/mixed; boundary=x' }, [
    '--x',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    'SGVsbG8g!!d29ybGQ=***',
    '--x',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'caf=C3=A9 =ZZ broken=',
    'soft break',
    '--x--',
  ].join('\n'));
  const m = parseMessage(raw);
  assert.match(m.texts[0] ?? '', /Hello/);
  assert.match(m.texts[1] ?? '', /café =ZZ brokensoft break/);
  assert.ok(m.defects.includes('bad-base64'));
  assert.ok(m.defects.includes('bad-quoted-printable'));
});

test('non-UTF-8 charsets in bodies and encoded-word headers', () => {
  const latin1 = Buffer.from('Grüße aus Köln', 'latin1');
  const koi8 = Buffer.from([0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4]); // "Привет" in KOI8-R
  const sjis = Buffer.from([0x82, 0xb1, 0x82, 0xf1, 0x82, 0xc9, 0x82, 0xbf, 0x82, 0xcd]); // こんにちは
  const raw = Buffer.concat([
    Buffer.from(
      'From: =?iso-8859-1?q?J=F6rg?= <j@example.de>\r\nSubject: =?koi8-r?b?' + koi8.toString('base64') + '?= =?utf-8?q?_ok?=\r\nContent-Type: multipart/mixed; boundary=z\r\n\r\n--z\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n',
    ),
    latin1,
    Buffer.from('\r\n--z\r\nContent-Type: text/plain; charset=shift_jis\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'),
    sjis,
    Buffer.from('\r\n--z\r\nContent-Type: text/plain; charset=x-no-such-charset\r\n\r\nplain ascii\r\n--z--\r\n'),
  ]);
  const m = parseMessage(raw);
  assert.equal(m.from?.name, 'Jörg');
  assert.equal(m.subject, 'Привет ok');
  assert.equal(m.texts[0]?.trim(), 'Grüße aus Köln');
  assert.equal(m.texts[1]?.trim(), 'こんにちは');
  assert.equal(m.texts[2]?.trim(), 'plain ascii');
  assert.ok(m.defects.includes('unknown-charset'));
});

test('huge lines and a huge header are bounded, not fatal', () => {
  const line = 'x'.repeat(2_000_000);
  const raw = mail({ From: 'a@example.org', Subject: 'y'.repeat(100_000), 'Content-Type': 'text/plain' }, line);
  const t = performance.now();
  const m = parseMessage(raw, { maxText: 65536, attachmentHead: 65536 });
  assert.ok(performance.now() - t < 3000);
  assert.equal(m.texts[0]?.length, 65536);
  assert.ok(m.defects.includes('text-truncated'));
  assert.ok(m.defects.includes('huge-header'));
});

test('10 MB attachment: parsed quickly, only its head is decoded', () => {
  const big = Buffer.alloc(10 * 1024 * 1024, 7);
  const raw = withAttachment('data.bin', big);
  assert.ok(raw.length > 13_000_000);
  const t = performance.now();
  const m = parseMessage(raw);
  const ms = performance.now() - t;
  assert.ok(ms < 2000, `took ${ms} ms`);
  assert.equal(m.attachments.length, 1);
  assert.equal(m.attachments[0]?.filename, 'data.bin');
  assert.ok(m.attachments[0]!.head.length <= 65536);
  assert.ok(Math.abs(m.attachments[0]!.size - big.length) / big.length < 0.02);
  assert.match(m.texts[0] ?? '', /attached file/);
});

test('no body, empty input, binary junk, headerless text', () => {
  const noBody = parseMessage(Buffer.from('From: a@example.org\r\nSubject: nothing\r\n'));
  assert.equal(noBody.unparseable, false);
  assert.ok(noBody.defects.includes('no-body'));
  assert.equal(parseMessage(Buffer.alloc(0)).unparseable, true);
  const junk = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
  assert.equal(parseMessage(junk).unparseable, true);
  assert.equal(parseMessage(Buffer.from('just some words\nwithout any header block\n')).unparseable, true);
});

test('multipart without boundary or terminator still yields its text', () => {
  const noBoundary = parseMessage(mail({ From: 'a@example.org', 'Content-Type': 'multipart/mixed' }, 'loose text'));
  assert.ok(noBoundary.defects.includes('multipart-no-boundary'));
  assert.match(noBoundary.texts.join(' '), /loose text/);
  const unterminated = parseMessage(mail({ From: 'a@example.org', 'Content-Type': 'multipart/mixed; boundary=q' }, '--q\nContent-Type: text/plain\n\nunfinished part'));
  assert.ok(unterminated.defects.includes('multipart-unterminated'));
  assert.match(unterminated.texts.join(' '), /unfinished part/);
  const badType = parseMessage(mail({ From: 'a@example.org', 'Content-Type': 'text/plain charset=us-ascii' }, 'typed text'));
  assert.ok(badType.defects.includes('bad-content-type'));
  assert.match(badType.texts.join(' '), /typed text/);
});

test('deep nesting stops at the depth limit', () => {
  let body = 'bottom text';
  let type = 'text/plain';
  for (let i = 0; i < 20; i++) {
    body = `--b${i}\nContent-Type: ${type}\n\n${body}\n--b${i}--`;
    type = `multipart/mixed; boundary="b${i}"`;
  }
  const m = parseMessage(mail({ From: 'a@example.org', 'Content-Type': type }, body));
  assert.ok(m.defects.includes('depth-limit'));
});

function words(s: string): Set<string> {
  return new Set(s.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 2));
}

test('differential: the fast parser extracts the same words as postal-mime on a corpus sample', async () => {
  const corpus = loadStdlibCorpus().filter((_, i) => i % 15 === 0);
  let agree = 0;
  let subjects = 0;
  for (const m of corpus) {
    const ours = parseMessage(m.raw);
    const ref = await parseWithPostalMime(m.raw);
    const a = words(ours.texts.join(' ') + ' ' + ours.htmls.join(' '));
    const b = words(ref.texts.join(' ') + ' ' + ref.htmls.join(' '));
    let inter = 0;
    for (const w of a) if (b.has(w)) inter++;
    const union = a.size + b.size - inter;
    if (union === 0 || inter / union >= 0.9) agree++;
    const norm = (x: string): string => x.replace(/\s+/g, ' ').trim();
    if (norm(ours.subject) === norm(ref.subject)) subjects++;
  }
  assert.ok(agree / corpus.length >= 0.97, `only ${agree}/${corpus.length} messages agree`);
  // Raw 8-bit subjects without a declared charset may be guessed differently.
  assert.ok(subjects / corpus.length >= 0.98, `only ${subjects}/${corpus.length} subjects agree`);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeMessage, loadWorldCorpus, splitMessage } from './corpus.js';
import { LabelReader, LabelWriter, type Label } from './labels.js';

const label = (mid: string, rcpt: string, spam = false): Label => ({ mid, tenant: 't1', kind: 'compromised', spam, phase: spam ? 'bad' : 'honest', rcpt, valid: true, at: 0 });

test('labels written by the generator are found by Message-ID, also when appended later', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'world-lbl-')), 'labels.jsonl');
  const w = new LabelWriter(file);
  const r = new LabelReader(file);
  assert.equal(r.get('<nothing@x>'), undefined, 'a missing file reads as empty');
  w.write([label('a.1@t1.test', 'user0001@p.test', true)]);
  assert.equal(r.get('<A.1@T1.test>')?.spam, true, 'angle brackets and case do not matter');
  w.write([label('a.2@t1.test', 'user0002@p.test')]);
  assert.equal(r.get('a.2@t1.test')?.spam, false, 'appended labels are read on a miss');
  assert.equal(r.size, 2);
});

test('a recipient names its message only while it belongs to exactly one', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'world-lbl-')), 'labels.jsonl');
  new LabelWriter(file).write([label('m1@t', 'xunique@p.test', true), label('m2@t', 'shared@p.test'), label('m3@t', 'shared@p.test')]);
  const r = new LabelReader(file);
  assert.equal(r.forRecipient('XUNIQUE@p.test')?.mid, 'm1@t');
  assert.equal(r.forRecipient('shared@p.test'), undefined);
  assert.equal(r.forRecipient('nobody@p.test'), undefined);
});

test('composed messages carry no trace of the label: no corpus trace or spam headers survive', () => {
  const corpus = loadWorldCorpus(65536);
  const spam = corpus.groups.get('spam-2')!;
  // Corpus messages carry the SpamAssassin collector's headers (X-Spam-Status, Received, ...).
  const withMarkers = spam.find((m) => /^(X-Spam|Received|Return-Path|Delivered-To)/im.test(splitMessage(m).fields.map(([k]) => k).join('\n')));
  assert.ok(withMarkers, 'the corpus has messages with trace/spam headers');
  const out = composeMessage(withMarkers, { from: 'notify@t1.test', to: 'user0001@p.test', messageId: 'w1.7@t1.test', date: new Date(0) });
  const names = splitMessage(out).fields.map(([k]) => k.toLowerCase());
  assert.deepEqual(names.filter((n) => !['from', 'to', 'date', 'message-id', 'subject', 'mime-version', 'content-type', 'content-transfer-encoding'].includes(n)), []);
  const text = out.toString('latin1');
  assert.doesNotMatch(text, /spam-[12]|easy-ham|hard-ham/i);
  assert.doesNotMatch(text.replace(/\r\n/g, ''), /[\r\n\0]/, 'CRLF only, no NUL (the gateway refuses bare LF)');
  assert.match(text, /^From: <notify@t1\.test>\r\nTo: <user0001@p\.test>\r\n/);
});

test('ham and spam are kept apart in the corpus groups', () => {
  const corpus = loadWorldCorpus(65536);
  for (const g of ['easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1', 'spam-2'] as const) assert.ok((corpus.groups.get(g)?.length ?? 0) > 100, g);
  const ham = new Set(corpus.groups.get('easy-ham-1')!.map((b) => b.toString('base64', 0, 200)));
  assert.ok(!corpus.groups.get('spam-1')!.some((b) => ham.has(b.toString('base64', 0, 200))));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanCommand } from './cli.js';
import { trainCommand } from './train-command.js';
import { basicMail } from './testing.js';
import { decodeModel } from './model.js';

function io(stdin: Buffer[] = []): { out: string[]; err: string[]; io: Parameters<typeof scanCommand>[1] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      stdout: { write: (s: string) => out.push(s) },
      stderr: { write: (s: string) => err.push(s) },
      stdin: (async function* () {
        yield* stdin;
      })(),
    },
  };
}

test('outpost scan FILE and - print one JSON line per message', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-scan-'));
  try {
    writeFileSync(join(dir, 'a.eml'), basicMail());
    const t = io([basicMail({ Subject: 'from stdin' })]);
    const code = await scanCommand([join(dir, 'a.eml'), '-'], t.io);
    assert.equal(code, 0);
    const lines = t.out.join('').trim().split('\n').map((l) => JSON.parse(l) as { file: string; class: string; score: number; reasons: unknown[]; fingerprint: string });
    assert.equal(lines.length, 2);
    assert.equal(lines[0]?.file, join(dir, 'a.eml'));
    assert.equal(lines[1]?.file, '-');
    for (const l of lines) assert.ok(typeof l.score === 'number' && Array.isArray(l.reasons) && typeof l.class === 'string');
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('--explain prints a readable block; unreadable files and bad usage give exit codes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-scan-'));
  try {
    writeFileSync(join(dir, 'm.eml'), basicMail({ Date: undefined }));
    const t = io();
    assert.equal(await scanCommand(['--explain', join(dir, 'm.eml'), join(dir, 'missing.eml')], t.io), 1);
    const text = t.out.join('');
    assert.match(text, /m\.eml: (CLEAN|BULK|SUSPECT|SPAM) \(score \d\.\d{3}\)/);
    assert.match(text, /\+1\.00\s+date-missing\s+message has no Date header/);
    assert.match(t.err.join(''), /missing\.eml: ENOENT/);
    const u = io();
    assert.equal(await scanCommand([], u.io), 2);
    assert.equal(await scanCommand(['--bogus', 'x'], u.io), 2);
    assert.match(u.err.join(''), /usage: outpost scan/);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('outpost scan train trains from a labelled directory and writes a loadable model', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-train-'));
  try {
    mkdirSync(join(dir, 'spam'));
    mkdirSync(join(dir, 'easy_ham'));
    for (let i = 0; i < 6; i++) {
      writeFileSync(join(dir, 'spam', `${i}`), basicMail({ Subject: `FREE offer ${i}` }, 'Make money fast, click here, free offer, limited time!!!'));
      writeFileSync(join(dir, 'easy_ham', `${i}`), basicMail({ Subject: `minutes ${i}` }, 'Notes from the design review of the storage layer.'));
    }
    const out = join(dir, 'model.bin');
    const t = io();
    assert.equal(await scanCommand(['train', '--corpus', dir, '--out', out, '--bits', '14', '--epochs', '3'], t.io), 0, t.err.join(''));
    assert.match(t.out.join(''), /trained on 12 messages \(6 spam, 6 ham\)/);
    assert.equal(decodeModel(readFileSync(out)).bits, 14);
    const s = io();
    assert.equal(await scanCommand(['--model', out, join(dir, 'spam', '0')], s.io), 0);
    const bad = io();
    assert.equal(await trainCommand(['--corpus', dir], bad.io), 2);
    assert.equal(await trainCommand(['--corpus', join(dir, 'nope'), '--out', out], bad.io), 1);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

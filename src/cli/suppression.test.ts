/**
 * `outpost suppression …` and `outpost feedback import|list|show` through the
 * real command (bin/outpost.js in a child process) against a data directory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFixturesDir } from '../feedback/fixture-agreement.js';

const BIN = fileURLToPath(new URL('../../../bin/outpost.js', import.meta.url));

function setup(): { run: (...a: string[]) => Promise<{ code: number; out: string; err: string }>; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-supp-'));
  const config = join(dir, 'c.yaml');
  writeFileSync(config, `dataDir: ${join(dir, 'var')}\nplatform: { domain: platform.test }\n`);
  const run = (...a: string[]) =>
    new Promise<{ code: number; out: string; err: string }>((resolve) => {
      execFile(process.execPath, [BIN, ...a, '--config', config], { encoding: 'utf8', timeout: 30_000 }, (err, out, errOut) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out, err: errOut });
      });
    });
  return { run, dir };
}

test('suppression add/list/remove/export/import, per tenant, with clear errors', async () => {
  const { run, dir } = setup();
  await run('tenant', 'add', 'acme', '--domain', 'acme.test');
  await run('tenant', 'add', 'beta', '--domain', 'beta.test');
  assert.match((await run('suppression', 'add', 'acme', 'Bob@Dest.test', '--reason', 'asked')).out, /bob@dest\.test suppressed for acme/);
  assert.match((await run('suppression', 'add', 'acme', 'bob@dest.test')).out, /already suppressed/);
  assert.match((await run('suppression', 'list', 'acme')).out, /bob@dest\.test\s+asked\s+cli\s+\d{4}-/);
  assert.match((await run('suppression', 'list', 'beta')).out, /no suppressed recipients for beta/);
  assert.match((await run('suppression', 'list', 'ghost')).err, /no tenant named "ghost"/);
  assert.match((await run('suppression', 'add', 'acme', 'not-an-address')).err, /is not an e-mail address/);

  const exported = (await run('suppression', 'export', 'acme')).out;
  assert.match(exported, /^recipient,reason,date\nbob@dest\.test,asked,\d{4}-\d\d-\d\dT/);

  const csv = join(dir, 'in.csv');
  writeFileSync(csv, 'recipient,reason,date\n"carol@dest.test",complaint,2026-01-02\ndave@dest.test,,\nbob@dest.test,dup,\n');
  assert.match((await run('suppression', 'import', 'beta', csv)).out, /imported 3 rows for beta: 3 added, 0 already suppressed/);
  const out = join(dir, 'out.csv');
  await run('suppression', 'export', 'beta', out);
  const lines = readFileSync(out, 'utf8').trim().split('\n');
  assert.deepEqual(lines.slice(1).map((l) => l.split(',').slice(0, 2).join(',')).sort(), ['bob@dest.test,dup', 'carol@dest.test,complaint', 'dave@dest.test,manual']);
  assert.ok(lines.some((l) => l.startsWith('carol@dest.test,complaint,2026-01-02T00:00:00.000Z')));

  writeFileSync(csv, 'recipient,reason\nnot an address,x\n');
  const bad = await run('suppression', 'import', 'beta', csv);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /line 2: "not an address" is not an e-mail address/);

  assert.match((await run('suppression', 'remove', 'acme', 'BOB@dest.test')).out, /removed/);
  assert.equal((await run('suppression', 'remove', 'acme', 'bob@dest.test')).code, 1);
  assert.match((await run('suppression', 'list', 'beta')).out, /bob@dest\.test/, 'beta keeps its own entry');
});

test('feedback import: fixtures (eml and mbox) through the intake; list and show', { timeout: 60_000 }, async (t) => {
  const fixtures = findFixturesDir();
  if (!fixtures) return t.skip('feedback fixtures not found');
  const { run } = setup();
  const files = ['arf-01.eml', 'lhost-exim-29.eml', 'rfc3464-03.eml'].map((f) => join(fixtures, f));
  const r = await run('feedback', 'import', ...files);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /arf-01\.eml: report \d+ complaint unattributed/);
  assert.match(r.out, /\d+ unattributed/);
  const list = await run('feedback', 'list', '--outcome', 'unattributed', '--json');
  const j = JSON.parse(list.out) as { counts: Record<string, number>; reports: Array<{ id: number; hasRaw: boolean }> };
  assert.ok(j.counts['unattributed']! >= 3);
  assert.ok(j.reports.every((x) => x.hasRaw));
  const raw = await run('feedback', 'show', String(j.reports.at(-1)!.id), '--raw');
  assert.equal(raw.out, readFileSync(files[0]!, 'utf8'));
  assert.match((await run('feedback', 'list', '--outcome', 'weird')).err, /unknown --outcome "weird"/);
  assert.match((await run('feedback', 'import', '/nonexistent.eml')).err, /cannot read \/nonexistent\.eml: ENOENT/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFeedbackFile } from './parse.js';
import { emlFiles, findFixturesDir, mergeReports, readExpected, scoreRow } from './fixture-agreement.js';
import type { FeedbackReport } from './types.js';

// The shared corpus lives beside the checkout (../shared/fixtures/feedback).
// Without it the test is skipped locally, but fails under CI.
const dir = findFixturesDir();

test('every fixture parses, and >= 95% of expected.tsv rows agree on recipient, status and hard/soft', { timeout: 60_000 }, async (t) => {
  if (!dir) {
    if (process.env['CI']) assert.fail('feedback fixtures not found (../shared/fixtures/feedback)');
    return t.skip('feedback fixtures not found');
  }
  const files = emlFiles(dir);
  assert.ok(files.length >= 200, `only ${files.length} fixtures found in ${dir}`);
  const reports = new Map<string, FeedbackReport>();
  for (const f of files) {
    const parsed = await parseFeedbackFile(readFileSync(join(dir, f)));
    const r = mergeReports(parsed);
    assert.notEqual(r.kind, 'unparseable', `${f}: ${r.detail ?? ''}`);
    reports.set(f, r);
  }
  const rows = readExpected(dir);
  assert.ok(rows.length >= files.length, 'expected.tsv has a row per file');
  const results = rows.map((row) => {
    const r = reports.get(row.file);
    assert.ok(r, `no report for ${row.file}`);
    return scoreRow(row, r);
  });
  const agree = results.filter((r) => r.agree).length;
  const kinds = results.filter((r) => r.kindAgree).length;
  const misses = results.filter((r) => !r.agree).map((r) => `${r.row.file} ${r.row.recipient}: ${r.why.join('; ')}`);
  t.diagnostic(`agreement ${agree}/${results.length}, kind ${kinds}/${results.length}`);
  assert.ok(agree / results.length >= 0.95, `agreement ${agree}/${results.length} below 95%:\n${misses.join('\n')}`);
  assert.ok(kinds / results.length >= 0.95, `kind agreement ${kinds}/${results.length} below 95%`);
});

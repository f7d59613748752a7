/**
 * Agreement of the feedback parser with the shared corpus's expected.tsv:
 * overall, per source and per kind, then every disagreeing row.
 * Run: npm run bench:feedback
 * (Scoring rules: src/feedback/fixture-agreement.ts.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFeedbackFile } from '../src/feedback/parse.js';
import { emlFiles, findFixturesDir, mergeReports, readExpected, scoreRow, type RowResult } from '../src/feedback/fixture-agreement.js';
import type { FeedbackReport } from '../src/feedback/types.js';

async function main(): Promise<void> {
  const dir = findFixturesDir();
  if (!dir) {
    console.error('feedback fixtures not found (expected ../shared/fixtures/feedback or $OUTPOST_FEEDBACK_FIXTURES)');
    process.exit(2);
  }
  const rows = readExpected(dir);
  const reports = new Map<string, FeedbackReport>();
  const t0 = performance.now();
  for (const f of emlFiles(dir)) reports.set(f, mergeReports(await parseFeedbackFile(readFileSync(join(dir, f)))));
  const ms = performance.now() - t0;
  const results: RowResult[] = rows.map((r) => scoreRow(r, reports.get(r.file)!));

  const pct = (a: number, n: number): string => `${a}/${n} ${((100 * a) / n).toFixed(1)}%`;
  const agree = results.filter((r) => r.agree).length;
  const kinds = results.filter((r) => r.kindAgree).length;
  console.log(`${reports.size} messages parsed in ${ms.toFixed(0)} ms; unparseable: ${[...reports.values()].filter((r) => r.kind === 'unparseable').length}`);
  console.log(`rows agreeing on recipient+status+hard/soft: ${pct(agree, results.length)}`);
  console.log(`rows agreeing on kind: ${pct(kinds, results.length)}\n`);

  const group = (key: (r: RowResult) => string, title: string): void => {
    const m = new Map<string, RowResult[]>();
    for (const r of results) m.set(key(r), [...(m.get(key(r)) ?? []), r]);
    console.log(`by ${title}:`);
    for (const [k, rs] of [...m].sort((a, b) => b[1].length - a[1].length)) {
      console.log(`  ${k.padEnd(44)} ${pct(rs.filter((r) => r.agree).length, rs.length).padEnd(16)} kind ${pct(rs.filter((r) => r.kindAgree).length, rs.length)}`);
    }
    console.log('');
  };
  group((r) => r.row.kind, 'kind');
  group((r) => r.row.source, 'source');

  console.log('misses:');
  for (const r of results.filter((x) => !x.agree || !x.kindAgree)) {
    console.log(`  ${r.agree ? 'kind-only' : 'MISS     '} ${r.row.file} ${r.row.recipient || '(none)'} [${r.row.kind} ${r.row.status || '-'} ${r.row.reason} ${r.row.hardSoft}]: ${r.why.join('; ')}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

/**
 * Scoring the parser against the shared bounce corpus
 * (../shared/fixtures/feedback, see its README): used by fixtures.test.ts
 * and bench/feedback-agreement.ts.
 *
 * A row agrees when the parser reports the row's recipient with the same
 * status and the same hard/soft flag. Status: exact, except that the
 * corpus's Sisimai-internal codes (detail >= 900, "no usable code, reason
 * inferred") are compared by class only, as the README asks. Hard/soft:
 * 'hard' ↔ true, 'soft' ↔ false, '-' ↔ undefined. Rows without a recipient
 * agree when the parser reports no addressed recipient either.
 * Kind agreement (dsn→bounce, delay→delay, arf→complaint, other→not-feedback)
 * is reported separately.
 * Limits: finds the corpus by walking up from the working directory and from
 * this file (or $OUTPOST_FEEDBACK_FIXTURES); null when absent.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FeedbackKind, FeedbackReport } from './types.js';

export interface ExpectedRow {
  file: string;
  source: string;
  kind: 'dsn' | 'delay' | 'arf' | 'other';
  recipient: string;
  status: string;
  reason: string;
  hardSoft: 'hard' | 'soft' | '-';
}

export interface RowResult {
  row: ExpectedRow;
  agree: boolean;
  kindAgree: boolean;
  got: { kind: FeedbackKind; rcpt?: string; status?: string; hard?: boolean; reason?: string };
  why: string[];
}

/** The fixtures folder, or null when it cannot be found. */
export function findFixturesDir(): string | null {
  const env = process.env['OUTPOST_FEEDBACK_FIXTURES'];
  if (env) return existsSync(join(env, 'expected.tsv')) ? resolve(env) : null;
  const starts = [process.cwd(), dirname(fileURLToPath(import.meta.url))];
  for (const start of starts) {
    let d = resolve(start);
    for (;;) {
      const c = join(d, 'shared', 'fixtures', 'feedback');
      if (existsSync(join(c, 'expected.tsv'))) return c;
      const up = dirname(d);
      if (up === d) break;
      d = up;
    }
  }
  return null;
}

export function readExpected(dir: string): ExpectedRow[] {
  const lines = readFileSync(join(dir, 'expected.tsv'), 'utf8').split('\n').filter((l) => l.trim());
  const head = lines[0]!.split('\t');
  const col = (name: string): number => head.indexOf(name);
  return lines.slice(1).map((l) => {
    const c = l.split('\t');
    return {
      file: c[col('file')]!,
      source: c[col('source')]!,
      kind: c[col('kind')] as ExpectedRow['kind'],
      recipient: (c[col('recipient')] ?? '').toLowerCase(),
      status: c[col('status')] ?? '',
      reason: c[col('reason')] ?? '',
      hardSoft: (c[col('hard_soft')] ?? '-') as ExpectedRow['hardSoft'],
    };
  });
}

export function emlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .sort();
}

const KIND: Record<ExpectedRow['kind'], FeedbackKind> = { dsn: 'bounce', delay: 'delay', arf: 'complaint', other: 'not-feedback' };

function statusAgrees(expected: string, got: string | undefined): boolean {
  if (expected === '') return got === undefined;
  if (got === undefined) return false;
  const detail = Number(expected.split('.')[2]);
  return detail >= 900 ? expected[0] === got[0] : expected === got;
}

/** One report for a file: the file's only report, or (mbox files) the first with every message's recipients. */
export function mergeReports(reports: readonly FeedbackReport[]): FeedbackReport {
  const [head, ...rest] = reports;
  if (!head) return { kind: 'unparseable', format: 'none', recipients: [] };
  return rest.length ? { ...head, recipients: [head, ...rest].flatMap((r) => r.recipients) } : head;
}

export function scoreRow(row: ExpectedRow, report: FeedbackReport): RowResult {
  const why: string[] = [];
  const kindAgree = KIND[row.kind] === report.kind;
  const rec = row.recipient ? report.recipients.find((r) => r.rcpt === row.recipient) : undefined;
  const got: RowResult['got'] = { kind: report.kind };
  if (rec) Object.assign(got, { rcpt: rec.rcpt, status: rec.status, hard: rec.hard, reason: rec.reason });
  let agree = true;
  if (row.recipient === '') {
    if (report.recipients.some((r) => r.rcpt !== '')) {
      agree = false;
      why.push(`expected no recipient, got ${report.recipients.map((r) => r.rcpt).join(',')}`);
    }
  } else if (!rec) {
    agree = false;
    why.push(`recipient missing (got ${report.recipients.map((r) => r.rcpt).join(',') || 'none'})`);
  } else {
    if (!statusAgrees(row.status, rec.status)) {
      agree = false;
      why.push(`status ${rec.status ?? '-'} != ${row.status || '-'}`);
    }
    const want = row.hardSoft === 'hard' ? true : row.hardSoft === 'soft' ? false : undefined;
    if (rec.hard !== want) {
      agree = false;
      why.push(`hard ${String(rec.hard)} != ${row.hardSoft} (reason ${rec.reason ?? '-'} vs ${row.reason || '-'})`);
    }
  }
  if (!kindAgree) why.push(`kind ${report.kind} != ${KIND[row.kind]}`);
  return { row, agree, kindAgree, got, why };
}

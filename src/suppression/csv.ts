/**
 * Suppression lists as CSV: `recipient,reason,date` (RFC 4180 quoting, date
 * ISO 8601). parse() accepts a header line or none, a missing reason
 * ('manual') or date (now), and names the line of anything it cannot read
 * rather than skipping it silently.
 */
import type { Suppression } from './store.js';

function quote(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function formatCsv(rows: readonly Suppression[]): string {
  const lines = ['recipient,reason,date'];
  for (const r of rows) lines.push([r.rcpt, r.reason, new Date(r.createdAt).toISOString()].map(quote).join(','));
  return lines.join('\n') + '\n';
}

/** Splits one CSV line into fields (quotes may not span lines). */
function fields(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let v = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) return null;
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            v += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += line[i++];
      }
      if (i < line.length && line[i] !== ',') return null;
    } else {
      const end = line.indexOf(',', i);
      v = end < 0 ? line.slice(i) : line.slice(i, end);
      i = end < 0 ? line.length : end;
    }
    out.push(v.trim());
    if (i >= line.length) return out;
    i++; // the comma
  }
}

export class CsvError extends Error {
  override readonly name = 'CsvError';
}

export function parseCsv(text: string, now: number): Array<{ rcpt: string; reason: string; at: number }> {
  const out: Array<{ rcpt: string; reason: string; at: number }> = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, n) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const f = fields(line);
    if (!f) throw new CsvError(`line ${n + 1}: unbalanced quotes`);
    const [rcpt = '', reason = '', date = ''] = f;
    if (n === 0 && /^(recipient|email|address|rcpt)$/i.test(rcpt)) return;
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(rcpt)) throw new CsvError(`line ${n + 1}: "${rcpt}" is not an e-mail address`);
    let at = now;
    if (date !== '') {
      at = Date.parse(date);
      if (!Number.isFinite(at)) throw new CsvError(`line ${n + 1}: "${date}" is not a date (use ISO 8601, e.g. 2026-11-28)`);
    }
    out.push({ rcpt, reason: reason === '' ? 'manual' : reason, at });
  });
  return out;
}

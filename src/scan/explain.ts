/** Readable rendering of a verdict for `outpost scan --explain`. */
import type { Verdict } from '../core/types.js';

export function explainVerdict(name: string, v: Verdict): string {
  const lines = [`${name}: ${v.class.toUpperCase()} (score ${v.score.toFixed(3)})`];
  for (const r of v.reasons) {
    const w = r.weight === 0 ? '    ' : (r.weight > 0 ? '+' : '') + r.weight.toFixed(2);
    lines.push(`  ${w.padStart(6)}  ${r.rule.padEnd(22)} ${r.detail}`);
  }
  lines.push(`  fingerprint ${v.fingerprint || '(none: too little text)'}`);
  return lines.join('\n') + '\n';
}

/**
 * Homoglyph "skeletons" for lookalike detection: maps confusable characters
 * (Cyrillic/Greek letters that look Latin, digits that look like letters,
 * "rn" that looks like "m") to a canonical Latin form, after decoding punycode.
 *
 * Limits: a short hand-made table covering the confusables phishing uses most,
 * not Unicode's full confusables data.
 */
import { domainToUnicode } from 'node:url';

const MAP: Record<string, string> = {
  'а': 'a', 'е': 'e', 'о': 'o', 'р': 'p', 'с': 'c', 'у': 'y', 'х': 'x', 'і': 'i', 'ј': 'j', 'ԁ': 'd', 'ѕ': 's', 'ӏ': 'l',
  'ɡ': 'g', 'һ': 'h', 'ո': 'n', 'ս': 'u', 'ο': 'o', 'α': 'a', 'ν': 'v', 'ι': 'i', 'ρ': 'p', 'κ': 'k', 'τ': 't', 'ѡ': 'w',
  'à': 'a', 'á': 'a', 'â': 'a', 'ä': 'a', 'ã': 'a', 'å': 'a', 'è': 'e', 'é': 'e', 'ê': 'e', 'ë': 'e', 'ì': 'i', 'í': 'i',
  'î': 'i', 'ï': 'i', 'ò': 'o', 'ó': 'o', 'ô': 'o', 'ö': 'o', 'õ': 'o', 'ù': 'u', 'ú': 'u', 'û': 'u', 'ü': 'u', 'ç': 'c',
  'ñ': 'n', 'ý': 'y', 'ł': 'l', '0': 'o', '1': 'l', '3': 'e', '5': 's', '$': 's', '@': 'a',
};

const PLAIN = /^[a-z-]*$/;

export function skeleton(label: string): string {
  let s = label.toLowerCase();
  // Fast path: plain ASCII letters with nothing confusable.
  if (PLAIN.test(s) && !s.includes('rn') && !s.includes('vv')) return s.includes('-') ? s.replace(/-/g, '') : s;
  if (s.includes('xn--')) s = domainToUnicode(s) || s;
  let out = '';
  for (const ch of s) out += MAP[ch] ?? ch;
  return out.replace(/rn/g, 'm').replace(/vv/g, 'w').replace(/[^a-z]/g, '');
}

/** Levenshtein distance, stopping early above `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < best) best = v;
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

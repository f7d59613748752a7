/**
 * Subject features besides its words (those are text features, see
 * ../features.ts): shape flags (empty, Re:/Fwd:, '!', '$', runs of spaces,
 * mostly capitals, non-ASCII, trailing number), a length bucket, and character
 * trigrams of the lower-cased subject. Trigrams catch obfuscated and
 * inflected spellings ("v1agra", "FR EE", "mortgages") and subjects in
 * languages the word tokeniser splits badly; they lifted cross-validated recall
 * at 0.1% FPR by about 0.3 points (docs/scanner.md).
 * Limits: trigrams of the first 80 characters.
 */
import { hashRange } from '../hash.js';
import type { FeatureSink } from './sink.js';
import { SEED } from './seeds.js';

const TRIGRAM_CHARS = 80;

export function addSubjectFeatures(sink: FeatureSink, subj: string): void {
  let su = 0;
  let sl = 0;
  for (let i = 0; i < subj.length; i++) {
    const c = subj.charCodeAt(i);
    if (c >= 65 && c <= 90) su++;
    else if (c >= 97 && c <= 122) sl++;
  }
  if (subj.length === 0) sink.tok(SEED.subjStat, 'empty', 'subj');
  if (/^\s*(re|aw|sv)\s*:/i.test(subj)) sink.tok(SEED.subjStat, 're', 'subj');
  if (/^\s*(fw|fwd)\s*:/i.test(subj)) sink.tok(SEED.subjStat, 'fw', 'subj');
  if (subj.includes('!')) sink.tok(SEED.subjStat, 'bang', 'subj');
  if (subj.includes('$')) sink.tok(SEED.subjStat, 'dollar', 'subj');
  if (/\s{3,}/.test(subj)) sink.tok(SEED.subjStat, 'spaces', 'subj');
  if (su > 4 && su > sl) sink.tok(SEED.subjStat, 'caps', 'subj');
  if (/[^\x00-\x7f]/.test(subj)) sink.tok(SEED.subjStat, 'nonascii', 'subj');
  if (/\b\d{3,}\s*$/.test(subj)) sink.tok(SEED.subjStat, 'trailnum', 'subj');
  sink.stat('subjLen', subj.length);
  // Padded with spaces so word starts and ends are trigrams too; each distinct trigram once.
  const s = ' ' + subj.toLowerCase().replace(/\s+/g, ' ').slice(0, TRIGRAM_CHARS) + ' ';
  sink.beginText(s, 'sc3');
  let n = 0;
  outer: for (let j = 0; j + 3 <= s.length; j++) {
    const h = hashRange(s, j, j + 3, SEED.subjTrigram);
    for (let k = 0; k < n; k++) if (seen[k] === h) continue outer;
    seen[n++] = h;
    sink.addRange(h, j, j + 3, false);
  }
}

const seen = new Uint32Array(TRIGRAM_CHARS + 2);

/**
 * The word tokeniser of the text features: lower-cased text -> word hashes and
 * (optionally) bigram hashes into a FeatureSink.
 *
 * Words are runs of [a-z0-9] and non-ASCII letters (CJK and general
 * punctuation excluded); one-letter words are dropped. Numbers and words over
 * 24 characters become shape tokens ("n3": three digits, "m6": six mixed
 * characters, "long2": 16-23 letters), so ids, amounts and dates are not
 * memorised one by one.
 *
 * Limits: callers pass lower-cased text and a word limit; CJK text without
 * spaces becomes long shape tokens (see docs/scanner.md, known limits).
 */
import { hashPair, hashRange, hashString } from '../hash.js';
import type { FeatureSink } from './sink.js';
import { SEED } from './seeds.js';

export function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 0xc0 && c !== 0xd7 && c !== 0xf7 && (c < 0x2000 || c > 0x206f) && (c < 0x3000 || c > 0x303f) && c !== 0xfeff);
}

// Precomputed shape tokens: n0..n12, m0..m12, long0..long12.
const SHAPES = ['n', 'm', 'long'].map((p) => Array.from({ length: 13 }, (_, k) => ({ h: hashString(p + k, SEED.numShape), name: 'shape:' + p + k })));

export interface WordCapture {
  /** Word hashes in order are copied here (for the campaign fingerprint) ... */
  readonly hashes: Uint32Array;
  /** ... starting at this count, which is updated. */
  count: number;
}

/**
 * Add the words (and bigrams when bigramSeed is not 0) of `text` to the sink
 * as slot `label`; returns the number of words read (at most `limit`).
 */
export function addWords(sink: FeatureSink, text: string, seed: number, bigramSeed: number, label: string, limit: number, capture?: WordCapture): number {
  sink.beginText(text, label);
  let prev = 0;
  let prevStart = 0;
  let count = 0;
  let i = 0;
  const len = text.length;
  while (i < len && count < limit) {
    let c = text.charCodeAt(i);
    if (!isWordChar(c)) {
      i++;
      continue;
    }
    const start = i;
    let digits = 0;
    while (i < len) {
      c = text.charCodeAt(i);
      if (!isWordChar(c)) break;
      if (c >= 48 && c <= 57) digits++;
      i++;
    }
    const wl = i - start;
    if (wl < 2 && digits === 0) continue;
    let h: number;
    if (digits > 0 || wl > 24) {
      const sh = digits > 0 ? SHAPES[digits === wl ? 0 : 1]![Math.min(wl, 12)]! : SHAPES[2]![Math.min(wl >> 3, 8)]!;
      h = sh.h;
      sink.add(h, sh.name);
    } else {
      h = hashRange(text, start, i, seed);
      sink.addRange(h, start, i, false);
    }
    if (prev !== 0 && bigramSeed !== 0) sink.addRange(hashPair(prev, h, bigramSeed), prevStart, i, true);
    prev = h;
    prevStart = start;
    count++;
    if (capture !== undefined && capture.count < capture.hashes.length) capture.hashes[capture.count++] = h;
  }
  return count;
}

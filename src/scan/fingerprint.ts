/**
 * Campaign fingerprint: a 64-bit SimHash over word 3-shingles of the normalised
 * text (lower-cased, digits and URLs reduced to placeholders so per-recipient
 * order numbers, names in links and tracking ids do not change it). Near-copies
 * of a text give fingerprints a few bits apart.
 *
 * For counting across tenants (the reputation stage), fingerprintBands() splits
 * a fingerprint into four 16-bit bands: two fingerprints within Hamming distance
 * 3 share at least one band exactly (pigeonhole), so counting band keys finds
 * near-duplicates with exact-match stores.
 *
 * Invariants: deterministic; bounded to the first MAX_WORDS words (of the first
 * MAX_CHARS characters): a campaign is recognisable from its opening; '' when the
 * text has fewer than MIN_WORDS words (too little to identify a campaign).
 */
import { hashString, mix, finalise, FNV_OFFSET } from './hash.js';

const MAX_WORDS = 600;
const MAX_CHARS = 8192;
const MIN_WORDS = 8;

export function normaliseForFingerprint(text: string): string[] {
  let t = text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text;
  t = t.toLowerCase();
  if (t.includes('http')) t = t.replace(/https?:\/\/[^\s<>"']+/g, ' url ');
  if (t.includes('@')) t = t.replace(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, ' email ');
  const out: string[] = [];
  let i = 0;
  const n = t.length;
  while (i < n && out.length < MAX_WORDS) {
    let c = t.charCodeAt(i);
    if (!isWordChar(c)) {
      i++;
      continue;
    }
    const start = i;
    let digits = false;
    while (i < n) {
      c = t.charCodeAt(i);
      if (!isWordChar(c)) break;
      if (c >= 48 && c <= 57) digits = true;
      i++;
    }
    const w = t.slice(start, i);
    out.push(digits ? w.replace(/\d+/g, '0') : w);
  }
  return out;
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 0xc0 && (c < 0x2000 || c > 0x206f) && (c < 0x3000 || c > 0x303f));
}

export function simhash(words: readonly string[]): string {
  return simhashOfHashes(Uint32Array.from(words, (w) => hashString(w, 99)));
}

/**
 * SimHash over 3-shingles of word hashes. The scanner passes the word hashes
 * its feature extractor already computed (numbers reduced to shapes there), so
 * the fingerprint costs almost nothing extra.
 */
export function simhashOfHashes(hs: Uint32Array): string {
  if (hs.length < MIN_WORDS) return '';
  const acc = new Int32Array(64);
  // Bit counting with nibble-packed counters: counter k holds, in each 4-bit
  // lane j, how many shingles had bit 4j+k set; flushed before a lane can overflow.
  const lanes = new Int32Array(8);
  let pending = 0;
  let shingles = 0;
  const flush = (): void => {
    for (let k = 0; k < 4; k++) {
      const lo = lanes[k]!;
      const hi = lanes[k + 4]!;
      for (let j = 0; j < 8; j++) {
        acc[4 * j + k]! += (lo >>> (4 * j)) & 15;
        acc[32 + 4 * j + k]! += (hi >>> (4 * j)) & 15;
      }
    }
    lanes.fill(0);
    pending = 0;
  };
  for (let i = 0; i + 2 < hs.length; i++) {
    const base = mix(mix(mix(FNV_OFFSET, hs[i]!), hs[i + 1]!), hs[i + 2]!);
    const lo = finalise(base);
    const hi = finalise(base ^ 0x5bd1e995);
    lanes[0]! += lo & 0x11111111;
    lanes[1]! += (lo >>> 1) & 0x11111111;
    lanes[2]! += (lo >>> 2) & 0x11111111;
    lanes[3]! += (lo >>> 3) & 0x11111111;
    lanes[4]! += hi & 0x11111111;
    lanes[5]! += (hi >>> 1) & 0x11111111;
    lanes[6]! += (hi >>> 2) & 0x11111111;
    lanes[7]! += (hi >>> 3) & 0x11111111;
    shingles++;
    if (++pending === 15) flush();
  }
  flush();
  let lo = 0;
  let hi = 0;
  for (let b = 0; b < 32; b++) {
    if (acc[b]! * 2 > shingles) lo |= 1 << b;
    if (acc[b + 32]! * 2 > shingles) hi |= 1 << b;
  }
  return (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
}

/** Fingerprint of a message's visible text (subject included when the body is short). */
export function fingerprintText(subject: string, text: string): string {
  let words = normaliseForFingerprint(text);
  if (words.length < MIN_WORDS * 4) words = normaliseForFingerprint(subject + ' ' + text);
  return simhash(words);
}

/** Hamming distance between two fingerprints (64 when either is empty or malformed). */
export function fingerprintDistance(a: string, b: string): number {
  if (a.length !== 16 || b.length !== 16) return 64;
  let d = 0;
  for (let i = 0; i < 16; i += 8) {
    let x = (parseInt(a.slice(i, i + 8), 16) ^ parseInt(b.slice(i, i + 8), 16)) >>> 0;
    while (x !== 0) {
      x &= x - 1;
      d++;
    }
  }
  return d;
}

/** Four band keys ("0:abcd", ...); near-duplicates (distance <= 3) share at least one. */
export function fingerprintBands(fp: string): string[] {
  if (fp.length !== 16) return [];
  return [0, 1, 2, 3].map((i) => `${i}:${fp.slice(i * 4, i * 4 + 4)}`);
}

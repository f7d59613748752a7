/**
 * Lower-case Crockford base32 for tokens that travel in e-mail local parts.
 *
 * Why this alphabet: receivers may fold the case of a local part, and some
 * treat '.', '_' or '=' specially; [0-9a-z] minus i, l, o, u survives all of
 * that and matches the alphabet of message ids (src/core/ids.ts).
 * Invariants: encode() output is lower case; decode() accepts either case and
 * returns null on any character outside the alphabet (no silent substitution
 * of look-alikes, so a token has exactly one spelling up to case).
 */

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const VALUE = new Map<string, number>([...ALPHABET].map((c, i) => [c, i]));

/** Bytes → base32, 5 bits a character, final partial group zero-padded on the right. */
export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(acc >>> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(acc << (5 - bits)) & 31];
  return out;
}

/**
 * Base32 → bytes. Returns null for foreign characters, for a length that no
 * byte string encodes to, or for non-zero padding bits (a second spelling).
 */
export function base32Decode(text: string): Buffer | null {
  const s = text.toLowerCase();
  const rem = (s.length * 5) % 8;
  if (rem >= 5) return null; // a whole extra character of padding: not produced by encode
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const ch of s) {
    const v = VALUE.get(ch);
    if (v === undefined) return null;
    acc = ((acc << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >>> bits) & 0xff);
    }
  }
  if (bits > 0 && (acc & ((1 << bits) - 1)) !== 0) return null;
  return Buffer.from(out);
}

/** Non-negative safe integer → base32 digits (most significant first). */
export function base32EncodeInt(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a non-negative integer: ${n}`);
  let out = '';
  do {
    out = ALPHABET[n % 32] + out;
    n = Math.floor(n / 32);
  } while (n > 0);
  return out;
}

/** Base32 digits → integer; null for foreign characters, leading zeros or overflow. */
export function base32DecodeInt(text: string): number | null {
  const s = text.toLowerCase();
  if (s.length === 0 || s.length > 10 || (s.length > 1 && s[0] === '0')) return null;
  let n = 0;
  for (const ch of s) {
    const v = VALUE.get(ch);
    if (v === undefined) return null;
    n = n * 32 + v;
  }
  return Number.isSafeInteger(n) ? n : null;
}

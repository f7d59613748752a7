/**
 * Small, fast, allocation-free 32-bit string hashing for feature hashing and
 * fingerprints (FNV-1a with a murmur-style finaliser).
 *
 * Invariants: deterministic across runs and platforms (the shipped model depends
 * on it: changing these functions means retraining). Hashes are over UTF-16 code
 * units, so the same string always gives the same value.
 * Limits: not cryptographic; collisions are expected and tolerated.
 */

export const FNV_OFFSET = 0x811c9dc5;

/** Mix one 32-bit value into a running hash. */
export function mix(h: number, v: number): number {
  return Math.imul(h ^ v, 0x01000193) >>> 0;
}

/** Final avalanche so nearby inputs spread over all bits. */
export function finalise(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash a string range [start, end) of s, seeded (the seed is a namespace). */
export function hashRange(s: string, start: number, end: number, seed: number): number {
  let h = (FNV_OFFSET ^ seed) >>> 0;
  for (let i = start; i < end; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return finalise(h >>> 0);
}

export function hashString(s: string, seed = 0): number {
  return hashRange(s, 0, s.length, seed);
}

/** Combine two hashes (e.g. a bigram from two word hashes). */
export function hashPair(a: number, b: number, seed: number): number {
  return finalise(mix(mix((FNV_OFFSET ^ seed) >>> 0, a), b));
}

/**
 * Parsed private keys, cached by their PEM text.
 *
 * Why: with OpenSSL 3 parsing a PEM key costs ~0.6-1.3 ms, more than the
 * RSA-2048 signature itself (~0.3 ms), so parsing per message would multiply
 * the cost of signing (docs/signing.md has the figures).
 * Invariants: at most `max` entries, least recently used evicted first; a key
 * that fails to parse is not cached (SignError 'bad-key' every time).
 */
import type { KeyObject } from 'node:crypto';
import { loadPrivateKey } from './dkim-key.js';

export interface KeyCache {
  get(pem: string): KeyObject;
  readonly size: number;
}

export function createKeyCache(max = 1024): KeyCache {
  const map = new Map<string, KeyObject>();
  return {
    get(pem) {
      const hit = map.get(pem);
      if (hit) {
        map.delete(pem);
        map.set(pem, hit);
        return hit;
      }
      const key = loadPrivateKey(pem);
      map.set(pem, key);
      if (map.size > max) map.delete(map.keys().next().value as string);
      return key;
    },
    get size() {
      return map.size;
    },
  };
}

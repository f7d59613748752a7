/**
 * Message ids: 20 characters of Crockford base32, time-ordered (48-bit
 * millisecond timestamp, then 52 random bits), so ids sort by arrival and are
 * safe in headers, file names and URLs. Not secret: do not use as a capability.
 */
import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

// Random bytes are drawn 4 KiB at a time: one randomFillSync per 409 ids instead of one per id.
const pool = Buffer.alloc(4096);
let poolPos = pool.length;
function random10(): Buffer {
  if (poolPos + 10 > pool.length) {
    randomFillSync(pool);
    poolPos = 0;
  }
  poolPos += 10;
  return pool.subarray(poolPos - 10, poolPos);
}

export function newMessageId(now: number = Date.now()): string {
  let out = '';
  let t = Math.floor(now);
  const time: string[] = [];
  for (let i = 0; i < 10; i++) {
    time.push(ALPHABET[t % 32]!);
    t = Math.floor(t / 32);
  }
  out = time.reverse().join('');
  const rnd = random10();
  for (let i = 0; i < 10; i++) out += ALPHABET[rnd[i]! & 31];
  return out;
}

export function isMessageId(s: string): boolean {
  return /^[0-9A-HJKMNP-TV-Z]{20}$/.test(s);
}

/**
 * Where the feature families put their hashed features for one message, and
 * how they are named again for explanations.
 *
 * Every feature is a 32-bit hash masked to the model's 2^bits buckets. Next to
 * it the sink records where it came from, so explain() needs no second pass:
 * either a string name, or a character range of a text "slot" (body, subject,
 * display name, header value) for words and bigrams, which keeps the hot
 * word loop free of string allocations.
 *
 * Features added before markTextEnd() are text (normalised as one block by
 * vector.ts); those after it are metadata.
 * Invariants: reset() per message; buffers grow, never shrink (one sink per
 * scanner, so per thread). Limits: at most 127 text slots per message.
 */
import { hashString } from '../hash.js';
import { bucket } from './shape.js';
import { SEED } from './seeds.js';

export interface FeatureSink {
  /** Start a message. */
  reset(): void;
  /** Add feature `s` of a family (seed) named `label:s`. */
  tok(seed: number, s: string, label: string): void;
  /** Add a precomputed hash with its readable name. */
  add(h: number, name: string): void;
  /** Open a text slot: later addRange() names are ranges of this text. */
  beginText(text: string, label: string): void;
  /** Add a hash named by text[start, end) of the current slot (a word, or a bigram). */
  addRange(h: number, start: number, end: number, bigram: boolean): void;
  /** A bucketed count: "key=log2 bucket". */
  stat(key: string, v: number): void;
  /** Everything added so far is text; what follows is metadata. */
  markTextEnd(): void;
  /** Features added to this message (masked ids; a view, valid until the next reset). */
  ids(): Uint32Array;
  /** Number of text features (the index where metadata starts). */
  textCount(): number;
  /** Names of the given ids among this message's features. */
  explain(ids: readonly number[]): Map<number, string>;
}

export function createSink(bits: number): FeatureSink {
  const mask = (1 << bits) - 1;
  let buf = new Uint32Array(4096);
  // srcA >= 0: a range [srcA, srcB) of text slot srcT (bit 7: bigram); srcA < 0: the name is strs[-srcA - 1].
  let srcA = new Int32Array(4096);
  let srcB = new Int32Array(4096);
  let srcT = new Uint8Array(4096);
  const strs: string[] = [];
  const slotTexts: string[] = [];
  const slotLabels: string[] = [];
  let slot = 0;
  let n = 0;
  let split = 0;

  function grow(): void {
    const more = <T extends Uint32Array | Int32Array | Uint8Array>(a: T, make: (len: number) => T): T => {
      const b = make(a.length * 2);
      b.set(a);
      return b;
    };
    buf = more(buf, (l) => new Uint32Array(l));
    srcA = more(srcA, (l) => new Int32Array(l));
    srcB = more(srcB, (l) => new Int32Array(l));
    srcT = more(srcT, (l) => new Uint8Array(l));
  }
  function add(h: number, name: string): void {
    if (n === buf.length) grow();
    buf[n] = h & mask;
    strs.push(name);
    srcA[n++] = -strs.length;
  }
  function addRange(h: number, start: number, end: number, bigram: boolean): void {
    if (n === buf.length) grow();
    buf[n] = h & mask;
    srcA[n] = start;
    srcB[n] = end;
    srcT[n++] = bigram ? slot | 128 : slot;
  }
  function explain(ids: readonly number[]): Map<number, string> {
    const out = new Map<number, string>();
    for (const id of ids) {
      for (let i = 0; i < n; i++) {
        if (buf[i] !== id) continue;
        const a = srcA[i]!;
        if (a < 0) out.set(id, strs[-a - 1]!);
        else {
          const t = srcT[i]!;
          const sl = t & 127;
          const text = slotTexts[sl]!.slice(a, Math.min(srcB[i]!, a + 60)).replace(/\s+/g, ' ');
          out.set(id, `${slotLabels[sl]}${t & 128 ? '2' : ''}:${text}`);
        }
        break;
      }
    }
    return out;
  }
  return {
    reset(): void {
      n = 0;
      slot = 0;
      split = 0;
      strs.length = 0;
    },
    tok: (seed, s, label) => add(hashString(s, seed), label + ':' + s),
    add,
    beginText(text, label): void {
      slot = Math.min(slot + 1, 127);
      slotTexts[slot] = text;
      slotLabels[slot] = label;
    },
    addRange,
    stat(key, v): void {
      const k = key + '=' + bucket(v);
      add(hashString(k, SEED.stat), 'stat:' + k);
    },
    markTextEnd(): void {
      split = n;
    },
    ids: () => buf.subarray(0, n),
    textCount: () => split,
    explain,
  };
}

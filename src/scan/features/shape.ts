/**
 * Small helpers that turn values into coarse, countable shapes: a log2 bucket
 * for counts, and a character-class shape for identifiers ("a9aH" for
 * "ab12f3e4d5c6b7a8").
 */

/** 0 for n <= 0, else floor(log2(n + 1)) capped at 12. */
export function bucket(n: number): number {
  return n <= 0 ? 0 : Math.min(12, Math.floor(Math.log2(n + 1)));
}

/** Hex runs -> H, digits -> 9, lower -> a, upper -> A; at most 24 characters. */
export function shapeOf(s: string): string {
  return s
    .replace(/[0-9a-f]{8,}/gi, 'H')
    .replace(/[0-9]+/g, '9')
    .replace(/[a-z]+/g, 'a')
    .replace(/[A-Z]+/g, 'A')
    .slice(0, 24);
}

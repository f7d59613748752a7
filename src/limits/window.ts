/**
 * A sliding-window counter in fixed buckets: the window is split into
 * `buckets` slices of windowMs/buckets; total(now) sums the slices that
 * overlap the last windowMs (the current slice included). So a count leaves
 * the window between windowMs − slice and windowMs after it was added: the
 * granularity is one slice (1 s for a minute, 1 min for an hour, 5 min for a
 * day with the defaults in limits.ts). Memory: at most `buckets` numbers.
 */
export class SlidingWindow {
  private readonly slice: number;
  /** slice index → count, oldest first (insertion order). */
  private readonly counts = new Map<number, number>();

  constructor(
    readonly windowMs: number,
    readonly buckets: number,
  ) {
    this.slice = Math.ceil(windowMs / buckets);
  }

  private prune(now: number): number {
    const cur = Math.floor(now / this.slice);
    for (const k of this.counts.keys()) {
      if (k > cur - this.buckets) break;
      this.counts.delete(k);
    }
    return cur;
  }

  add(now: number, n: number): void {
    const cur = this.prune(now);
    this.counts.set(cur, (this.counts.get(cur) ?? 0) + n);
  }

  total(now: number): number {
    this.prune(now);
    let t = 0;
    for (const v of this.counts.values()) t += v;
    return t;
  }

  /** The earliest time at which total() will be at most `target` (now when it already is). */
  freesAt(now: number, target: number): number {
    let t = this.total(now);
    if (t <= target) return now;
    for (const [k, v] of this.counts) {
      t -= v;
      if (t <= target) return (k + this.buckets) * this.slice;
    }
    return now + this.windowMs;
  }

  /** Non-empty slices as [sliceIndex, count] pairs, for coarse persistence. */
  dump(now: number): Array<[number, number]> {
    this.prune(now);
    return [...this.counts];
  }

  load(entries: ReadonlyArray<readonly [number, number]>, now: number): void {
    for (const [k, v] of [...entries].sort((a, b) => a[0] - b[0])) this.counts.set(k, (this.counts.get(k) ?? 0) + v);
    this.prune(now);
  }

  get empty(): boolean {
    return this.counts.size === 0;
  }
}

/**
 * Bucketed sliding-window counters: one ring of `buckets` time slices of
 * `lengthMs / buckets` each, with K counters per slice and a running sum per
 * counter, so adding an event and reading a window total are O(1) (a slice
 * expiring costs K subtractions, once per slice).
 *
 * The window at time t covers the current slice and the buckets-1 before it:
 * between lengthMs - slice and lengthMs of history (the usual bucketing error).
 * Events with a time before the current slice (slightly out of order) count
 * in the current slice. Counts are integers held in doubles (exact to 2^53).
 */

export interface WindowSnapshot {
  readonly head: number;
  readonly counts: number[];
}

export class SlidingCounters {
  readonly sliceMs: number;
  private readonly rows: Float64Array;
  private readonly totals: Float64Array;
  private head = -1;

  constructor(
    readonly lengthMs: number,
    readonly buckets: number,
    readonly metrics: number,
  ) {
    if (!(lengthMs > 0) || !(buckets > 0)) throw new Error('a sliding window needs a positive length and bucket count');
    this.sliceMs = Math.max(1, Math.floor(lengthMs / buckets));
    this.rows = new Float64Array(buckets * metrics);
    this.totals = new Float64Array(metrics);
  }

  /** Moves the window to time `at`, expiring slices that fell out of it. */
  advance(at: number): void {
    const b = Math.floor(at / this.sliceMs);
    if (b <= this.head) return;
    if (this.head < 0 || b - this.head >= this.buckets) {
      this.rows.fill(0);
      this.totals.fill(0);
    } else {
      const K = this.metrics;
      for (let s = this.head + 1; s <= b; s++) {
        const base = (s % this.buckets) * K;
        for (let k = 0; k < K; k++) {
          const v = this.rows[base + k]!;
          if (v !== 0) {
            this.totals[k]! -= v;
            this.rows[base + k] = 0;
          }
        }
      }
    }
    this.head = b;
  }

  add(at: number, metric: number, n = 1): void {
    this.advance(at);
    this.rows[(this.head % this.buckets) * this.metrics + metric]! += n;
    this.totals[metric]! += n;
  }

  /** The window's total of one counter as of time `at`. */
  sum(metric: number, at: number): number {
    this.advance(at);
    return this.totals[metric]!;
  }

  clear(): void {
    this.rows.fill(0);
    this.totals.fill(0);
  }

  snapshot(): WindowSnapshot {
    return { head: this.head, counts: Array.from(this.rows) };
  }

  /** Restores a snapshot taken with the same shape; a mismatched one is ignored (counts start empty). */
  restore(s: WindowSnapshot): void {
    if (!Array.isArray(s.counts) || s.counts.length !== this.rows.length || !Number.isInteger(s.head)) return;
    this.rows.set(s.counts.map((x) => (Number.isFinite(x) ? x : 0)));
    this.totals.fill(0);
    for (let i = 0; i < this.rows.length; i++) this.totals[i % this.metrics]! += this.rows[i]!;
    this.head = s.head;
  }
}

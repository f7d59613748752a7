/**
 * A per-key sliding one-minute counter for the feedback listener (reports
 * per client IP per minute) and a per-key connection count. Memory is
 * bounded: keys idle for a minute are forgotten when the table grows.
 */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number,
  ) {}

  /** Counts one event for `key`; false when the key is over its limit (the event is not counted). */
  take(key: string): boolean {
    const t = this.now();
    const list = (this.hits.get(key) ?? []).filter((x) => x > t - 60_000);
    if (list.length >= this.perMinute) {
      this.hits.set(key, list);
      return false;
    }
    list.push(t);
    this.hits.set(key, list);
    if (this.hits.size > 10_000) for (const [k, v] of this.hits) if (v.every((x) => x <= t - 60_000)) this.hits.delete(k);
    return true;
  }
}

/**
 * A bounded map whose entries expire at an absolute time: least recently used
 * entries are evicted first when full. Time comes from an injected Clock, so
 * expiry is testable without sleeping.
 *
 * Invariants: size() <= maxEntries; get() never returns an expired entry (it
 * deletes it); every operation is O(1) (a Map keeps insertion order, and a hit
 * re-inserts the key at the young end).
 * Known limits: expired entries that are never read again only leave by LRU
 * eviction; that is fine for a bounded cache.
 */
import type { Clock } from '../core/clock.js';

export class TtlLruCache<V> {
  private readonly map = new Map<string, { value: V; expiresAt: number }>();

  constructor(
    private readonly maxEntries: number,
    private readonly clock: Clock,
  ) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError('maxEntries must be a positive integer');
  }

  /** The value and its remaining lifetime in ms, or undefined when absent or expired. */
  get(key: string): { value: V; remainingMs: number } | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    const remainingMs = e.expiresAt - this.clock.now();
    this.map.delete(key);
    if (remainingMs <= 0) return undefined;
    this.map.set(key, e);
    return { value: e.value, remainingMs };
  }

  set(key: string, value: V, ttlMs: number): void {
    this.map.delete(key);
    if (ttlMs <= 0) return;
    this.map.set(key, { value, expiresAt: this.clock.now() + ttlMs });
    while (this.map.size > this.maxEntries) {
      const oldest = this.map.keys().next();
      if (oldest.done) break;
      this.map.delete(oldest.value);
    }
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }

  size(): number {
    return this.map.size;
  }
}

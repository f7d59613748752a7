/**
 * Small in-memory limiters for ingress, keyed by opaque strings (client IP,
 * tenant, username) in the spirit of Postfix's anvil:
 * - ConcurrencyLimit: how many connections a key holds right now.
 * - FailureThrottle: failed attempts per key in a window; past `max` the key is
 *   locked out for `lockout` ms (brute-force protection for AUTH).
 * Per process; a cluster would move these counters to Redis. Memory is bounded
 * by pruning expired entries as they are touched and when the map grows.
 */
import type { Clock } from '../core/clock.js';

export class ConcurrencyLimit {
  private readonly held = new Map<string, number>();
  constructor(private readonly max: number) {}

  /** Takes a slot for `key`; false when the key is at its limit. */
  acquire(key: string): boolean {
    const n = this.held.get(key) ?? 0;
    if (n >= this.max) return false;
    this.held.set(key, n + 1);
    return true;
  }

  release(key: string): void {
    const n = (this.held.get(key) ?? 0) - 1;
    if (n <= 0) this.held.delete(key);
    else this.held.set(key, n);
  }

  count(key: string): number {
    return this.held.get(key) ?? 0;
  }
}

interface FailureEntry {
  count: number;
  windowStart: number;
  lockedUntil: number;
}

export class FailureThrottle {
  private readonly entries = new Map<string, FailureEntry>();
  constructor(
    private readonly clock: Clock,
    private readonly max: number,
    private readonly windowMs: number,
    private readonly lockoutMs: number,
  ) {}

  /** Milliseconds the key stays locked, 0 when it may try. */
  lockedFor(key: string): number {
    const e = this.entries.get(key);
    if (!e) return 0;
    return Math.max(0, e.lockedUntil - this.clock.now());
  }

  fail(key: string): void {
    const now = this.clock.now();
    let e = this.entries.get(key);
    if (!e || now - e.windowStart > this.windowMs) {
      e = { count: 0, windowStart: now, lockedUntil: 0 };
      this.entries.set(key, e);
    }
    e.count++;
    if (e.count >= this.max) e.lockedUntil = now + this.lockoutMs;
    if (this.entries.size > 100_000) this.prune(now);
  }

  succeed(key: string): void {
    const e = this.entries.get(key);
    if (e && e.lockedUntil <= this.clock.now()) this.entries.delete(key);
  }

  private prune(now: number): void {
    for (const [k, e] of this.entries) if (e.lockedUntil < now && now - e.windowStart > this.windowMs) this.entries.delete(k);
  }
}

/**
 * Per (source IP, destination) pauses after a receiver says "slow down"
 * (Gmail 421-4.7.28, Yahoo TSS04, Microsoft 4.7.650…) or "your IP is blocked".
 * Each pause doubles the previous one up to a maximum; a successful delivery
 * on that pair resets it. Other IPs and other destinations are unaffected.
 * In memory: a restart forgets pauses (the receiver will say so again).
 */
import type { Clock } from '../core/clock.js';

interface Pause {
  until: number;
  backoff: number;
  reason: string;
}

export class Throttles {
  private readonly pauses = new Map<string, Pause>();

  constructor(
    private readonly clock: Clock,
    private readonly initialMs: number,
    private readonly maxMs: number,
  ) {}

  private key(ip: string, dest: string): string {
    return `${ip}|${dest}`;
  }

  /** The pause the next slowDown() on this pair would set. */
  nextBackoff(ip: string, dest: string): number {
    const prev = this.pauses.get(this.key(ip, dest));
    return prev ? Math.min(prev.backoff * 2, this.maxMs) : this.initialMs;
  }

  /** Pauses the pair with growing backoff; returns the pause length. */
  slowDown(ip: string, dest: string, reason: string): number {
    const backoff = this.nextBackoff(ip, dest);
    this.pauses.set(this.key(ip, dest), { until: this.clock.now() + backoff, backoff, reason });
    return backoff;
  }

  /** Milliseconds the pair stays paused (0: free to connect). */
  pausedFor(ip: string, dest: string): number {
    const p = this.pauses.get(this.key(ip, dest));
    return p ? Math.max(0, p.until - this.clock.now()) : 0;
  }

  succeeded(ip: string, dest: string): void {
    const k = this.key(ip, dest);
    const p = this.pauses.get(k);
    if (p && p.until <= this.clock.now()) this.pauses.delete(k);
  }
}

/**
 * Ingress flow control, in the spirit of Postfix's in_flow_delay: when the
 * processing stage (scan, policy, signing) has fallen `maxBacklog` accepted
 * messages (or `maxBacklogBytes` of them) behind, a new SMTP transaction (at
 * MAIL FROM) or HTTP submission waits until the backlog is back under both
 * limits, or at most `maxDelayMs`, before it goes on. Clients then see a slower server instead
 * of the gateway holding an ever longer queue of unprocessed messages in
 * memory; nothing is refused.
 *
 * Invariants: wait() always settles (after maxDelayMs at the latest); it
 * resolves at once while the backlog is under the limits; progress() lets
 * every waiter go once it is under them (overshoot is bounded by the
 * connections that were waiting).
 * Limits: per process; the backlog is the processor's queue of offered
 * messages (processor.ts), not messages already in a worker thread.
 */
export interface Backlog {
  readonly messages: number;
  readonly bytes: number;
}

export interface FlowControlOptions {
  /** Accepted but not yet processed messages right now. */
  readonly backlog: () => Backlog;
  /** At or past this many messages new transactions wait; 0 disables flow control. */
  readonly maxBacklog: number;
  /** At or past this many bytes of them, likewise (large messages fill memory before the count does). */
  readonly maxBacklogBytes: number;
  /** The longest one transaction waits (then it goes ahead regardless). */
  readonly maxDelayMs: number;
}

export class FlowGate {
  private readonly waiters = new Set<() => void>();

  constructor(private readonly o: FlowControlOptions) {}

  private over(): boolean {
    const b = this.o.backlog();
    return b.messages >= this.o.maxBacklog || b.bytes >= this.o.maxBacklogBytes;
  }

  /** Resolves with the ms waited: 0 at once while the backlog is under the limits. */
  async wait(): Promise<number> {
    if (this.o.maxBacklog <= 0 || !this.over()) return 0;
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      const go = (): void => {
        clearTimeout(timer);
        this.waiters.delete(go);
        resolve();
      };
      const timer = setTimeout(go, this.o.maxDelayMs);
      this.waiters.add(go);
    });
    return Math.round(performance.now() - t0);
  }

  /** The processor made progress: lets the waiters go once the backlog is under the limits. */
  progress(): void {
    if (this.waiters.size === 0 || this.over()) return;
    for (const go of [...this.waiters]) go();
  }

  /** Transactions waiting right now. */
  get waiting(): number {
    return this.waiters.size;
  }
}

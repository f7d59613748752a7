/**
 * Ingress flow control, in the spirit of Postfix's in_flow_delay: when the
 * processing stage (scan, policy, signing) has fallen more than `maxBacklog`
 * accepted messages behind, a new SMTP transaction (at MAIL FROM) or HTTP
 * submission waits until the backlog is back under the limit, or at most
 * `maxDelayMs`, before it goes on. Clients then see a slower server instead
 * of the gateway holding an ever longer queue of unprocessed messages in
 * memory; nothing is refused.
 *
 * Invariants: wait() always settles (after maxDelayMs at the latest); it
 * resolves at once while the backlog is under the limit; progress() lets at
 * most as many waiters go as the backlog has room for.
 * Limits: per process; the backlog is the processor's queue of offered
 * messages (processor.ts), not messages already in a worker thread.
 */
export interface FlowControlOptions {
  /** Accepted but not yet processed messages right now. */
  readonly backlog: () => number;
  /** At or past this backlog new transactions wait; 0 disables flow control. */
  readonly maxBacklog: number;
  /** The longest one transaction waits (then it goes ahead regardless). */
  readonly maxDelayMs: number;
}

export class FlowGate {
  private readonly waiters = new Set<() => void>();

  constructor(private readonly o: FlowControlOptions) {}

  /** Resolves with the ms waited: 0 at once while the backlog is under the limit. */
  async wait(): Promise<number> {
    if (this.o.maxBacklog <= 0 || this.o.backlog() < this.o.maxBacklog) return 0;
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

  /** The processor made progress: lets waiters go, as many as the backlog has room for. */
  progress(): void {
    let room = this.o.maxBacklog - this.o.backlog();
    for (const go of [...this.waiters]) {
      if (room-- <= 0) break;
      go();
    }
  }

  /** Transactions waiting right now. */
  get waiting(): number {
    return this.waiters.size;
  }
}

/**
 * Jobs waiting in memory for one (pool, destination domain): one FIFO per
 * tenant, served round-robin, so a tenant with a large backlog to a
 * destination cannot starve another tenant's mail to the same destination.
 * take() and add() are O(1) amortised. A connection that has finished its
 * work can wait briefly for more (waitForJob) instead of closing, as
 * Postfix's connection cache does; add() wakes one such waiter.
 */
import type { DeliveryJob } from '../spool/spool.js';

export class DestinationQueue {
  private readonly byTenant = new Map<string, DeliveryJob[]>();
  private order: string[] = [];
  private cursor = 0;
  private size = 0;
  /** Connections currently open for this queue (including idle ones waiting for work). */
  active = 0;
  private waiters: Array<(got: boolean) => void> = [];

  constructor(
    readonly pool: string,
    readonly domain: string,
  ) {}

  get key(): string {
    return `${this.pool}|${this.domain}`;
  }

  get length(): number {
    return this.size;
  }

  add(job: DeliveryJob): void {
    let q = this.byTenant.get(job.tenantId);
    if (!q) {
      q = [];
      this.byTenant.set(job.tenantId, q);
      this.order.push(job.tenantId);
    }
    q.push(job);
    this.size++;
    this.waiters.shift()?.(true);
  }

  /** Resolves true when a job arrives within `ms`, false on timeout or wakeAll(). */
  waitForJob(ms: number): Promise<boolean> {
    if (this.size > 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (got: boolean): void => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve(got);
      };
      const timer = setTimeout(() => done(false), ms);
      this.waiters.push(done);
    });
  }

  /** Ends every wait (shutdown). */
  wakeAll(): void {
    for (const w of this.waiters.splice(0)) w(false);
  }

  /** Connections idle, waiting for work. */
  get idle(): number {
    return this.waiters.length;
  }

  take(): DeliveryJob | undefined {
    if (this.size === 0) return undefined;
    for (let tries = 0; tries < this.order.length; tries++) {
      if (this.cursor >= this.order.length) this.cursor = 0;
      const tenant = this.order[this.cursor]!;
      const q = this.byTenant.get(tenant)!;
      const job = q.shift();
      if (q.length === 0) {
        this.byTenant.delete(tenant);
        this.order.splice(this.cursor, 1);
      } else {
        this.cursor++;
      }
      if (job) {
        this.size--;
        return job;
      }
    }
    return undefined;
  }

  /** Removes and returns every waiting job (to release them to the spool). */
  drain(): DeliveryJob[] {
    const all = this.order.flatMap((t) => this.byTenant.get(t) ?? []);
    this.byTenant.clear();
    this.order = [];
    this.cursor = 0;
    this.size = 0;
    return all;
  }
}

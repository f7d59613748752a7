/**
 * Jobs waiting in memory for one (pool, destination domain): one FIFO per
 * tenant, served round-robin, so a tenant with a large backlog to a
 * destination cannot starve another tenant's mail to the same destination.
 * take() and add() are O(1) amortised.
 */
import type { DeliveryJob } from '../spool/spool.js';

export class DestinationQueue {
  private readonly byTenant = new Map<string, DeliveryJob[]>();
  private order: string[] = [];
  private cursor = 0;
  private size = 0;
  /** Connections currently open for this queue. */
  active = 0;

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

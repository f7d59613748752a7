/**
 * The console's data service, opened by the operations layer
 * (admin/wiring.ts): the dashboard series (series.ts, over the rollup the
 * event store writes), the tenants overview (overview.ts over the in-memory
 * 24-hour counters, fed from the bus) and the once-a-minute queue-depth
 * sample. Reads use the event store's main-thread connection.
 */
import type { Clock } from '../core/clock.js';
import type { Db } from '../db/sqlite.js';
import type { EventBus } from '../events/bus.js';
import { TenantOverview } from './overview.js';
import { sampleQueue, timeSeries, type TimeSeries } from './series.js';
import { TenantDayCounters } from './tenant-day.js';

export interface ConsoleStatsOptions {
  /** events.db (rollup tables). */
  readonly eventsDb: Db;
  /** state.db (tenants, standings). */
  readonly state: Db;
  readonly bus: EventBus;
  readonly clock: Clock;
  /** Open messages and queued jobs now (QueueSearch.gauges). */
  readonly queueDepth: () => { depth: number; queuedJobs: number };
  readonly onError?: (err: unknown) => void;
}

export class ConsoleStats {
  readonly counters = new TenantDayCounters();
  readonly overview: TenantOverview;
  private timer: NodeJS.Timeout | undefined;
  private readonly off: () => void;

  constructor(private readonly o: ConsoleStatsOptions) {
    this.counters.load(o.eventsDb, o.clock.now());
    this.overview = new TenantOverview({ state: o.state, counters: this.counters, clock: o.clock });
    this.off = o.bus.on((e) => this.counters.onEvent(e, o.clock.now()));
  }

  series(minutes: number, tenantId?: string): TimeSeries {
    return timeSeries(this.o.eventsDb, { minutes, now: this.o.clock.now(), ...(tenantId !== undefined ? { tenantId } : {}) });
  }

  /** Samples the queue now and then each minute; sweeps idle tenants' counters. */
  start(): void {
    const tick = (): void => {
      try {
        const q = this.o.queueDepth();
        sampleQueue(this.o.eventsDb, this.o.clock.now(), q.depth, q.queuedJobs);
        this.counters.sweep(this.o.clock.now());
      } catch (e) {
        this.o.onError?.(e);
      }
    };
    tick();
    this.timer = setInterval(tick, 60_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.off();
  }
}

/**
 * The rollup writer: adds a batch of stored events to stats_minute and
 * stats_hour (schema.ts). It runs inside the event store's flush transaction
 * on the writer thread (events/store-writer.ts registers it with onCommit),
 * so the counters and the events commit together and the event loop never
 * pays for it. A batch is first summed in memory, so each (tenant, minute,
 * key) costs one upsert per flush however many events it had.
 * prune() drops rows past their retention (called with the event store's prune).
 */
import type { Db } from '../db/sqlite.js';
import type { PlatformEvent } from '../events/bus.js';
import { incrementsOf } from './counts.js';
import { HOUR_MS, MINUTE_MS, STATS_HOUR_RETENTION, STATS_MINUTE_RETENTION } from './schema.js';

export class StatsRollup {
  private readonly upMinute;
  private readonly upHour;

  constructor(private readonly db: Db) {
    this.upMinute = db.prepare('INSERT INTO stats_minute (tenant_id, minute, key, n) VALUES (?, ?, ?, ?) ON CONFLICT (tenant_id, minute, key) DO UPDATE SET n = n + excluded.n');
    this.upHour = db.prepare('INSERT INTO stats_hour (tenant_id, hour, key, n) VALUES (?, ?, ?, ?) ON CONFLICT (tenant_id, hour, key) DO UPDATE SET n = n + excluded.n');
  }

  /** Adds the events' counts (call inside a transaction). */
  add(events: Iterable<PlatformEvent>): void {
    const minute = new Map<string, number>();
    const hour = new Map<string, number>();
    const bump = (m: Map<string, number>, k: string, n: number): void => void m.set(k, (m.get(k) ?? 0) + n);
    for (const e of events) {
      const inc = incrementsOf(e);
      if (inc.minute.length === 0 && inc.hour.length === 0) continue;
      const min = Math.floor(e.at / MINUTE_MS);
      const t = e.tenantId ?? '';
      for (const [k, n] of inc.minute) {
        bump(minute, `\u0000${min}\u0000${k}`, n);
        if (t) bump(minute, `${t}\u0000${min}\u0000${k}`, n);
      }
      if (t) for (const [k, n] of inc.hour) bump(hour, `${t}\u0000${Math.floor(e.at / HOUR_MS)}\u0000${k}`, n);
    }
    for (const [key, n] of minute) {
      const [t, m, k] = key.split('\u0000') as [string, string, string];
      this.upMinute.run(t, Number(m), k, n);
    }
    for (const [key, n] of hour) {
      const [t, h, k] = key.split('\u0000') as [string, string, string];
      this.upHour.run(t, Number(h), k, n);
    }
  }

  /** Deletes rows past their retention, in chunks. Returns the number of rows deleted. */
  prune(now: number): number {
    let total = 0;
    const chunked = (sql: string, cutoff: number): void => {
      const st = this.db.prepare(sql);
      for (;;) {
        const n = st.run(cutoff).changes;
        total += n;
        if (n < 5000) return;
      }
    };
    const minuteCut = Math.floor((now - STATS_MINUTE_RETENTION) / MINUTE_MS);
    chunked('DELETE FROM stats_minute WHERE (tenant_id, minute, key) IN (SELECT tenant_id, minute, key FROM stats_minute WHERE minute < ? LIMIT 5000)', minuteCut);
    chunked('DELETE FROM stats_hour WHERE (tenant_id, hour, key) IN (SELECT tenant_id, hour, key FROM stats_hour WHERE hour < ? LIMIT 5000)', Math.floor((now - STATS_HOUR_RETENTION) / HOUR_MS));
    chunked('DELETE FROM stats_queue WHERE minute < ?', minuteCut);
    return total;
  }
}

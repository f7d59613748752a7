/**
 * Tables of the console's rollup, kept in the event database
 * (`dataDir/events.db`, migration module `stats`) so that the counters of a
 * batch of events commit in the same transaction as the events themselves:
 * - stats_minute: per minute, per tenant ('' = the whole platform) and key
 *   (received, delivered, deferred, bounced, quarantined, rejected, scanned,
 *   spam, pool:NAME): a count. Kept STATS_MINUTE_RETENTION.
 * - stats_hour: per hour and tenant, the keys of the tenants overview
 *   (sent, delivered, bounced, complained, scanned, spam). Kept STATS_HOUR_RETENTION.
 * - stats_queue: the queue depth sampled once a minute.
 * Size is bounded by retention: at most one row per (tenant, minute, key)
 * that saw an event, never more rows than events.
 */
export const STATS_MIGRATIONS: readonly string[] = [
  `CREATE TABLE stats_minute (
     tenant_id TEXT NOT NULL,
     minute INTEGER NOT NULL,
     key TEXT NOT NULL,
     n INTEGER NOT NULL,
     PRIMARY KEY (tenant_id, minute, key)
   ) WITHOUT ROWID;
   CREATE INDEX stats_minute_at ON stats_minute(minute);
   CREATE TABLE stats_hour (
     tenant_id TEXT NOT NULL,
     hour INTEGER NOT NULL,
     key TEXT NOT NULL,
     n INTEGER NOT NULL,
     PRIMARY KEY (tenant_id, hour, key)
   ) WITHOUT ROWID;
   CREATE INDEX stats_hour_at ON stats_hour(hour);
   CREATE TABLE stats_queue (
     minute INTEGER PRIMARY KEY,
     depth INTEGER NOT NULL,
     queued_jobs INTEGER NOT NULL
   );`,
];

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
/** Minute rows are kept a little longer than the longest series (1440 minutes). */
export const STATS_MINUTE_RETENTION = 26 * HOUR_MS;
/** Hour rows: a week and a day (the overview reads the last 24 hours). */
export const STATS_HOUR_RETENTION = 8 * 24 * HOUR_MS;

/**
 * Per-minute series for the console's dashboard
 * (GET /v1/admin/stats/timeseries, GET /v1/stats/timeseries): outcome counts,
 * deliveries per pool, spam share and queue depth over the last N minutes
 * (one point a minute, the last point is the current, partial minute).
 * Reads are primary-key range scans of stats_minute (tenant '' for the
 * platform) and stats_queue: at most minutes × keys rows.
 */
import type { Db } from '../db/sqlite.js';
import { OUTCOMES, type Outcome } from './counts.js';
import { MINUTE_MS } from './schema.js';

export interface TimeSeries {
  readonly from: string;
  readonly step: 60;
  readonly points: number;
  readonly outcomes: Record<Outcome, number[]>;
  /** Share of scanned mail classed spam or suspect per minute; null when nothing was scanned. */
  readonly spamShare: Array<number | null>;
  /** Messages scanned per minute (the spam share's base). */
  readonly scanned: number[];
  /** Delivered recipients per pool (platform only). */
  readonly pools?: Record<string, number[]>;
  /** Messages not yet finished (incoming, processing, active, quarantined), sampled each minute; null before the first sample. */
  readonly queueDepth?: Array<number | null>;
}

export function timeSeries(db: Db, o: { tenantId?: string; minutes: number; now: number }): TimeSeries {
  const last = Math.floor(o.now / MINUTE_MS);
  const first = last - o.minutes + 1;
  const zeros = (): number[] => new Array<number>(o.minutes).fill(0);
  const outcomes = Object.fromEntries(OUTCOMES.map((k) => [k, zeros()])) as Record<Outcome, number[]>;
  const scanned = zeros();
  const spam = zeros();
  const pools: Record<string, number[]> = {};
  const rows = db.prepare('SELECT minute, key, n FROM stats_minute WHERE tenant_id = ? AND minute BETWEEN ? AND ?').raw().all(o.tenantId ?? '', first, last) as Array<[number, string, number]>;
  for (const [m, k, n] of rows) {
    const i = m - first;
    if (k in outcomes) outcomes[k as Outcome][i] = n;
    else if (k === 'scanned') scanned[i] = n;
    else if (k === 'spam') spam[i] = n;
    else if (k.startsWith('pool:') && o.tenantId === undefined) (pools[k.slice(5)] ??= zeros())[i] = n;
  }
  const spamShare = scanned.map((s, i) => (s > 0 ? Math.round((spam[i]! / s) * 10_000) / 10_000 : null));
  const base = { from: new Date(first * MINUTE_MS).toISOString(), step: 60 as const, points: o.minutes, outcomes, spamShare, scanned };
  if (o.tenantId !== undefined) return base;
  const queueDepth = new Array<number | null>(o.minutes).fill(null);
  for (const [m, d] of db.prepare('SELECT minute, depth FROM stats_queue WHERE minute BETWEEN ? AND ?').raw().all(first, last) as Array<[number, number]>) queueDepth[m - first] = d;
  return { ...base, pools, queueDepth };
}

/** Records this minute's queue depth (the gateway calls it every minute and at start). */
export function sampleQueue(db: Db, now: number, depth: number, queuedJobs: number): void {
  db.prepare('INSERT INTO stats_queue (minute, depth, queued_jobs) VALUES (?, ?, ?) ON CONFLICT (minute) DO UPDATE SET depth = excluded.depth, queued_jobs = excluded.queued_jobs')
    .run(Math.floor(now / MINUTE_MS), depth, queuedJobs);
}

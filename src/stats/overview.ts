/**
 * The tenants overview (GET /v1/admin/tenants/overview): every tenant with
 * its state (standing, or `disabled`), 24-hour volume, spam share, bounce and
 * complaint rates and an hourly sparkline, filtered, sorted and paginated.
 * Built from the tenants and standings tables (two plain reads of the state
 * database) and the in-memory 24-hour counters (tenant-day.ts); the merged
 * list is cached for CACHE_MS, so paging through 10,000 tenants costs one
 * sort per request. The cursor is the offset into the sorted, filtered list
 * (base64url JSON): a tenant added between two pages may shift the rest.
 */
import type { Clock } from '../core/clock.js';
import type { Db } from '../db/sqlite.js';
import { ReputationStore } from '../reputation/store.js';
import type { TenantDayCounters } from './tenant-day.js';

export const TENANT_STATES = ['normal', 'watch', 'throttled', 'high-risk-only', 'suspended', 'disabled'] as const;
export type TenantState = (typeof TENANT_STATES)[number];
export const OVERVIEW_SORTS = ['id', 'state', 'sent24h', 'spamShare24h', 'bounceRate24h', 'complaintRate24h'] as const;
export type OverviewSort = (typeof OVERVIEW_SORTS)[number];

export interface TenantOverviewRow {
  readonly id: string;
  readonly name: string;
  readonly state: TenantState;
  readonly enabled: boolean;
  readonly stateSince: string | null;
  readonly stateReason: string;
  readonly sent24h: number;
  readonly delivered24h: number;
  /** Share of scanned mail classed spam or suspect; null when nothing was scanned. */
  readonly spamShare24h: number | null;
  /** Bounced / (delivered + bounced) recipients; null without deliveries. */
  readonly bounceRate24h: number | null;
  /** Complaints / delivered recipients; null without deliveries. */
  readonly complaintRate24h: number | null;
  readonly sparkline: number[];
}

export interface OverviewQuery {
  readonly q?: string;
  readonly state?: TenantState;
  /** A field, descending with a leading '-'. */
  readonly sort: OverviewSort;
  readonly desc: boolean;
  readonly offset: number;
  readonly limit: number;
}

const CACHE_MS = 2000;
const STATE_ORDER: Record<TenantState, number> = { suspended: 0, 'high-risk-only': 1, throttled: 2, watch: 3, normal: 4, disabled: 5 };
const ratio = (a: number, b: number): number | null => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : null);

export class TenantOverview {
  private cache: { at: number; rows: TenantOverviewRow[] } | undefined;
  private readonly standings: ReputationStore;

  constructor(private readonly o: { readonly state: Db; readonly counters: TenantDayCounters; readonly clock: Clock }) {
    this.standings = new ReputationStore(o.state);
  }

  private rows(): TenantOverviewRow[] {
    const now = this.o.clock.now();
    if (this.cache && now - this.cache.at < CACHE_MS && now >= this.cache.at) return this.cache.rows;
    const standing = new Map(this.standings.standings().map((s) => [s.tenantId, s]));
    const tenants = this.o.state.prepare('SELECT id, enabled FROM tenants').raw().all() as Array<[string, number]>;
    const rows = tenants.map(([id, enabled]): TenantOverviewRow => {
      const s = standing.get(id);
      const { totals: t, sparkline } = this.o.counters.summary(id, now);
      return {
        id, name: id, enabled: enabled === 1,
        state: enabled === 1 ? (s?.state ?? 'normal') : 'disabled',
        stateSince: s ? new Date(s.since).toISOString() : null,
        stateReason: enabled === 1 ? (s?.reason ?? '') : 'disabled by an operator',
        sent24h: t.sent, delivered24h: t.delivered,
        spamShare24h: ratio(t.spam, t.scanned),
        bounceRate24h: ratio(t.bounced, t.delivered + t.bounced),
        complaintRate24h: ratio(t.complained, t.delivered),
        sparkline,
      };
    });
    this.cache = { at: now, rows };
    return rows;
  }

  list(q: OverviewQuery): { rows: TenantOverviewRow[]; total: number; more: boolean } {
    let rows = this.rows();
    if (q.state) rows = rows.filter((r) => r.state === q.state);
    if (q.q) {
      const needle = q.q.toLowerCase();
      rows = rows.filter((r) => r.id.toLowerCase().includes(needle));
    }
    const dir = q.desc ? -1 : 1;
    const value = (r: TenantOverviewRow): number | string =>
      q.sort === 'id' ? r.id : q.sort === 'state' ? STATE_ORDER[r.state] : (r[q.sort] ?? -1);
    const sorted = rows.slice().sort((a, b) => {
      const x = value(a);
      const y = value(b);
      if (x < y) return -dir;
      if (x > y) return dir;
      return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    });
    const page = sorted.slice(q.offset, q.offset + q.limit);
    return { rows: page, total: sorted.length, more: q.offset + q.limit < sorted.length };
  }
}

/**
 * Stored feedback reports (bounces, complaints and what could not be used),
 * shared by `outpost feedback list|show` and the API: pages filtered by
 * tenant, kind and outcome, and one report. Operators see every report,
 * unattributed ones included; a tenant sees only reports attributed to it,
 * without the reporter's client IP or the stored raw copy.
 */
import type { ReportOutcome, ReportStore, StoredReport } from '../feedback/report-store.js';
import { ServiceError } from './errors.js';

export const REPORT_OUTCOMES: readonly ReportOutcome[] = ['attributed', 'unattributed', 'ignored', 'malformed'];
export const REPORT_KINDS = ['bounce', 'complaint', 'delay', 'not-feedback', 'unparseable'] as const;

export interface ReportView {
  readonly id: number;
  readonly receivedAt: string;
  readonly kind: string;
  readonly format: string;
  readonly outcome: ReportOutcome;
  readonly tenant: string | null;
  readonly messageId: string | null;
  /** How it was tied to the tenant: verp, message-id, … */
  readonly method: string | null;
  readonly recipients: StoredReport['recipients'];
  readonly detail: string | null;
  /** Operators only: where it came from, the reporter's IP, whether a raw copy is kept. */
  readonly source?: string;
  readonly clientIp?: string | null;
  readonly hasRaw?: boolean;
}

export function reportView(r: StoredReport, forOperator: boolean): ReportView {
  return {
    id: r.id, receivedAt: new Date(r.receivedAt).toISOString(), kind: r.kind, format: r.format, outcome: r.outcome, tenant: r.tenantId ?? null,
    messageId: r.messageId ?? null, method: r.method ?? null, recipients: r.recipients, detail: r.detail ?? null,
    ...(forOperator ? { source: r.source, clientIp: r.clientIp ?? null, hasRaw: r.hasRaw } : {}),
  };
}

export interface ReportFilter {
  readonly tenant?: string;
  readonly kind?: string;
  readonly outcome?: ReportOutcome;
}

/** A page, newest first. `asTenant` pins the tenant and the outcome `attributed`. */
export function listReports(store: ReportStore, f: ReportFilter, limit: number, beforeId?: number, asTenant?: string): { items: ReportView[]; more: boolean } {
  const filter = asTenant !== undefined
    ? { tenantId: asTenant, outcome: 'attributed' as const, ...(f.kind ? { kind: f.kind } : {}) }
    : { ...(f.tenant ? { tenantId: f.tenant } : {}), ...(f.kind ? { kind: f.kind } : {}), ...(f.outcome ? { outcome: f.outcome } : {}) };
  const rows = store.page(filter, limit + 1, beforeId);
  const more = rows.length > limit;
  return { items: (more ? rows.slice(0, limit) : rows).map((r) => reportView(r, asTenant === undefined)), more };
}

export function showReport(store: ReportStore, id: number, asTenant?: string): ReportView {
  const r = store.get(id);
  if (!r || (asTenant !== undefined && (r.tenantId !== asTenant || r.outcome !== 'attributed'))) throw new ServiceError(`no feedback report ${id}`, 'not-found');
  return reportView(r, asTenant === undefined);
}

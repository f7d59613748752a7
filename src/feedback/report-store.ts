/**
 * Received feedback reports in the state database (table `feedback_reports`):
 * one row per report taken in by the intake (SMTP listener or `outpost
 * feedback import`), with what the parser made of it and whom it was
 * attributed to. The raw message is kept for reports that could not be used
 * (unattributed or malformed) so that an operator can look at them and
 * re-import after a fix; attributed ones keep only the facts.
 * Limits: no expiry; raw copies are capped at the listener's size limit.
 */
import type { Clock } from '../core/clock.js';
import { migrate, type Db } from '../db/sqlite.js';

const MIGRATIONS = [
  `CREATE TABLE feedback_reports (
     id INTEGER PRIMARY KEY,
     received_at INTEGER NOT NULL,
     source TEXT NOT NULL,
     client_ip TEXT,
     outcome TEXT NOT NULL,
     kind TEXT NOT NULL,
     format TEXT NOT NULL,
     tenant_id TEXT,
     message_id TEXT,
     method TEXT,
     recipients TEXT NOT NULL,
     detail TEXT,
     raw BLOB
   );
   CREATE INDEX feedback_reports_outcome ON feedback_reports(outcome, received_at);`,
  // The API lists a tenant's reports newest first.
  `CREATE INDEX feedback_reports_tenant ON feedback_reports(tenant_id, id);`,
];

/** attributed: tenant known; unattributed: feedback we could not tie to a tenant; ignored: not feedback; malformed: unreadable. */
export type ReportOutcome = 'attributed' | 'unattributed' | 'ignored' | 'malformed';

export interface StoredReport {
  readonly id: number;
  readonly receivedAt: number;
  readonly source: string;
  readonly clientIp?: string;
  readonly outcome: ReportOutcome;
  readonly kind: string;
  readonly format: string;
  readonly tenantId?: string;
  readonly messageId?: string;
  readonly method?: string;
  readonly recipients: Array<{ rcpt: string; status?: string; hard?: boolean }>;
  readonly detail?: string;
  readonly hasRaw: boolean;
}

interface Row {
  id: number;
  received_at: number;
  source: string;
  client_ip: string | null;
  outcome: ReportOutcome;
  kind: string;
  format: string;
  tenant_id: string | null;
  message_id: string | null;
  method: string | null;
  recipients: string;
  detail: string | null;
  has_raw: number;
}

const SELECT = 'SELECT id, received_at, source, client_ip, outcome, kind, format, tenant_id, message_id, method, recipients, detail, raw IS NOT NULL AS has_raw FROM feedback_reports';

function toReport(x: Row): StoredReport {
  return {
    id: x.id, receivedAt: x.received_at, source: x.source, outcome: x.outcome, kind: x.kind, format: x.format,
    recipients: JSON.parse(x.recipients) as StoredReport['recipients'], hasRaw: x.has_raw === 1,
    ...(x.client_ip ? { clientIp: x.client_ip } : {}),
    ...(x.tenant_id ? { tenantId: x.tenant_id } : {}),
    ...(x.message_id ? { messageId: x.message_id } : {}),
    ...(x.method ? { method: x.method } : {}),
    ...(x.detail ? { detail: x.detail } : {}),
  };
}

export class ReportStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    migrate(db, 'feedback-reports', MIGRATIONS);
  }

  add(r: Omit<StoredReport, 'id' | 'receivedAt' | 'hasRaw'> & { raw?: Buffer }): number {
    const res = this.db
      .prepare('INSERT INTO feedback_reports (received_at, source, client_ip, outcome, kind, format, tenant_id, message_id, method, recipients, detail, raw) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)')
      .run(this.clock.now(), r.source, r.clientIp ?? null, r.outcome, r.kind, r.format, r.tenantId ?? null, r.messageId ?? null, r.method ?? null, JSON.stringify(r.recipients), r.detail?.slice(0, 1000) ?? null, r.raw ?? null);
    return Number(res.lastInsertRowid);
  }

  list(o: { outcome?: ReportOutcome; limit?: number } = {}): StoredReport[] {
    return this.page({ ...(o.outcome ? { outcome: o.outcome } : {}) }, o.limit ?? 100);
  }

  /** Reports newest first, older than `beforeId`, filtered by tenant, kind and outcome (all optional). */
  page(f: { tenantId?: string; kind?: string; outcome?: ReportOutcome }, limit: number, beforeId?: number): StoredReport[] {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (f.tenantId !== undefined) (where.push('tenant_id = ?'), args.push(f.tenantId));
    if (f.kind !== undefined) (where.push('kind = ?'), args.push(f.kind));
    if (f.outcome !== undefined) (where.push('outcome = ?'), args.push(f.outcome));
    if (beforeId !== undefined) (where.push('id < ?'), args.push(beforeId));
    const rows = this.db.prepare(`${SELECT} ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ?`).all(...args, limit) as Row[];
    return rows.map(toReport);
  }

  get(id: number): StoredReport | null {
    const r = this.db.prepare(`${SELECT} WHERE id = ?`).get(id) as Row | undefined;
    return r ? toReport(r) : null;
  }

  raw(id: number): Buffer | null {
    return ((this.db.prepare('SELECT raw FROM feedback_reports WHERE id = ?').get(id) as { raw: Buffer | null } | undefined)?.raw) ?? null;
  }

  /** Reports per outcome. */
  counts(): Record<ReportOutcome, number> {
    const out: Record<ReportOutcome, number> = { attributed: 0, unattributed: 0, ignored: 0, malformed: 0 };
    for (const r of this.db.prepare('SELECT outcome, count(*) AS n FROM feedback_reports GROUP BY outcome').all() as Array<{ outcome: ReportOutcome; n: number }>) out[r.outcome] = r.n;
    return out;
  }
}

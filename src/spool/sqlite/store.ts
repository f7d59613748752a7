/**
 * The SQLite spool's operations, synchronous, on one connection. It does no
 * transaction management of its own: writers (SqliteSpool in-process, the
 * writer thread of ThreadedSqliteSpool) wrap each write in a group commit.
 * Bodies are BLOBs in their own table, fine up to tens of MB per message.
 */
import type { Statement } from 'better-sqlite3';
import { domainOf } from '../../core/address.js';
import type { SmtpReply } from '../../core/smtp-reply.js';
import type { MessageId, MessageState, RecipientState, Route, Source, TenantId, Verdict } from '../../core/types.js';
import type { Db } from '../../db/sqlite.js';
import {
  SpoolError,
  type AttemptRecord,
  type DeliveryJob,
  type EventRecord,
  type IncomingMessage,
  type JobView,
  type MessageView,
  type NewMessage,
  type QueueCounts,
  type RecipientView,
  type RouteDecision,
  type SpoolEvent,
} from '../spool.js';
import type { ExpiredMessage, ReleaseRequest } from '../../quarantine/types.js';
import { SqliteQuarantine } from './quarantine.js';

interface MessageRow {
  id: string;
  tenant_id: string;
  source: string;
  client_ip: string;
  mail_from: string;
  wire_mail_from: string | null;
  size: number;
  rcpt_count: number;
  received_at: number;
  state: string;
  subject: string | null;
  header_from: string | null;
  header_message_id: string | null;
  verdict: string | null;
  route: string | null;
}

interface JobRow {
  id: number;
  message_id: string;
  tenant_id: string;
  domain: string;
  pool: string;
  state: string;
  attempts: number;
  next_at: number;
  warned: number;
}

const json = (v: unknown): string => JSON.stringify(v);

export class SqliteSpoolStore {
  private readonly st: Record<string, Statement>;
  /** Quarantine queries (quarantine.ts). */
  readonly quarantine: SqliteQuarantine;

  /** `maxBytes` caps the database file (0: no cap); a write past it fails as "full". */
  constructor(readonly db: Db) {
    const p = (sql: string): Statement => this.db.prepare(sql);
    this.quarantine = new SqliteQuarantine(db);
    this.st = {
      insMessage: p(`INSERT INTO messages (id, tenant_id, source, client_ip, mail_from, size, rcpt_count, received_at, updated_at, state, subject, header_from, header_message_id)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      insBody: p('INSERT INTO bodies (message_id, data) VALUES (?, ?)'),
      insRcpt: p(`INSERT INTO recipients (message_id, idx, rcpt, domain, state, updated_at) VALUES (?, ?, ?, ?, 'pending', ?)`),
      insEvent: p('INSERT INTO events (message_id, at, type, data) VALUES (?, ?, ?, ?)'),
      selIncoming: p(`SELECT id, tenant_id, source, mail_from, size, received_at FROM messages WHERE state = 'incoming' ORDER BY received_at LIMIT ?`),
      setMsgState: p('UPDATE messages SET state = ?, updated_at = ? WHERE id = ?'),
      selRcptsOfMsg: p('SELECT idx, rcpt, domain, state, reply FROM recipients WHERE message_id = ? ORDER BY idx'),
      routeMsg: p('UPDATE messages SET state = ?, updated_at = ?, verdict = ?, route = ?, wire_mail_from = ? WHERE id = ?'),
      setPrefix: p('INSERT OR REPLACE INTO prefixes (message_id, data) VALUES (?, ?)'),
      delPrefix: p('DELETE FROM prefixes WHERE message_id = ?'),
      insJob: p(`INSERT INTO jobs (message_id, tenant_id, domain, pool, state, attempts, next_at, created_at) VALUES (?, ?, ?, ?, 'queued', 0, ?, ?)`),
      setRcptJob: p(`UPDATE recipients SET state = 'queued', job_id = ?, updated_at = ? WHERE message_id = ? AND idx = ?`),
      setRcptState: p('UPDATE recipients SET state = ?, reply = ?, updated_at = ? WHERE message_id = ? AND idx = ?'),
      firstTenant: p(`SELECT tenant_id FROM jobs WHERE state = 'queued' ORDER BY tenant_id LIMIT 1`),
      nextTenant: p(`SELECT tenant_id FROM jobs WHERE state = 'queued' AND tenant_id > ? ORDER BY tenant_id LIMIT 1`),
      tenantMinDue: p(`SELECT MIN(next_at) AS t FROM jobs WHERE state = 'queued' AND tenant_id = ?`),
      selDue: p(`SELECT id, message_id, tenant_id, domain, pool, state, attempts, next_at, warned FROM jobs
                 WHERE state = 'queued' AND tenant_id = ? AND next_at <= ? ORDER BY next_at LIMIT ?`),
      claimJob: p(`UPDATE jobs SET state = 'inflight' WHERE id = ?`),
      selJobRcpts: p(`SELECT idx, rcpt FROM recipients WHERE message_id = ? AND job_id = ? AND state = 'queued' ORDER BY idx`),
      selMsgForJob: p('SELECT mail_from, size, received_at FROM messages WHERE id = ?'),
      nextDue: p(`SELECT MIN(next_at) AS t FROM jobs WHERE state = 'queued'`),
      selJob: p('SELECT id, message_id, tenant_id, domain, pool, state, attempts, next_at, warned FROM jobs WHERE id = ?'),
      requeueJob: p(`UPDATE jobs SET state = 'queued', attempts = attempts + ?, next_at = ?, warned = MAX(warned, ?) WHERE id = ?`),
      doneJob: p(`UPDATE jobs SET state = 'done', attempts = attempts + ? WHERE id = ?`),
      releaseJob: p(`UPDATE jobs SET state = 'queued', next_at = ? WHERE id = ? AND state = 'inflight'`),
      openJobsOfMsg: p(`SELECT COUNT(*) AS n FROM jobs WHERE message_id = ? AND state <> 'done'`),
      delBody: p('DELETE FROM bodies WHERE message_id = ?'),
      selBody: p('SELECT data FROM bodies WHERE message_id = ?'),
      // messages.prefix: where spools before migration 3 kept the block.
      selRouting: p('SELECT COALESCE(x.data, m.prefix) AS prefix, m.mail_from, m.wire_mail_from FROM messages m LEFT JOIN prefixes x ON x.message_id = m.id WHERE m.id = ?'),
      selMessage: p('SELECT * FROM messages WHERE id = ?'),
      selMsgTenant: p('SELECT tenant_id FROM messages WHERE id = ?'),
      selJobsOfMsg: p('SELECT id, message_id, tenant_id, domain, pool, state, attempts, next_at, warned FROM jobs WHERE message_id = ? ORDER BY id'),
      selEvents: p('SELECT id, message_id, at, type, data FROM events WHERE message_id = ? ORDER BY id'),
      countMsgs: p('SELECT state, COUNT(*) AS n FROM messages GROUP BY state'),
      countRcpts: p('SELECT state, COUNT(*) AS n FROM recipients GROUP BY state'),
      countDest: p(`SELECT domain, pool, SUM(state = 'queued') AS queued, SUM(state = 'inflight') AS inflight, MIN(created_at) AS oldest
                    FROM jobs WHERE state IN ('queued', 'inflight') GROUP BY domain, pool ORDER BY queued + inflight DESC LIMIT 100`),
      retryMsg: p(`UPDATE jobs SET next_at = ? WHERE message_id = ? AND state = 'queued'`),
      dropPending: p(`UPDATE recipients SET state = 'dropped', reply = ?, updated_at = ? WHERE message_id = ? AND state IN ('pending', 'queued')`),
      doneJobsOfMsg: p(`UPDATE jobs SET state = 'done' WHERE message_id = ? AND state IN ('queued', 'held')`),
      inflightOfMsg: p(`SELECT COUNT(*) AS n FROM jobs WHERE message_id = ? AND state = 'inflight'`),
      recoverMsgs: p(`UPDATE messages SET state = 'incoming' WHERE state = 'processing'`),
      unclaimMsg: p(`UPDATE messages SET state = 'incoming', updated_at = ? WHERE id = ? AND state = 'processing'`),
      recoverJobs: p(`UPDATE jobs SET state = 'queued' WHERE state = 'inflight'`),
    };
  }

  private event(id: MessageId, at: number, ev: SpoolEvent): void {
    this.st['insEvent']!.run(id, at, ev.type, ev.data ? json(ev.data) : null);
  }

  enqueue(msg: NewMessage, events: readonly SpoolEvent[] = []): void {
    const at = msg.receivedAt;
    this.st['insMessage']!.run(
      msg.id, msg.tenantId, msg.source, msg.clientIp, msg.envelope.mailFrom, msg.raw.length, msg.envelope.rcptTo.length, at, at, msg.claimed ? 'processing' : 'incoming',
      msg.summary.subject ?? null, msg.summary.from ?? null, msg.summary.messageId ?? null,
    );
    this.st['insBody']!.run(msg.id, msg.raw);
    msg.envelope.rcptTo.forEach((r, i) => this.st['insRcpt']!.run(msg.id, i, r, domainOf(r), at));
    for (const ev of events) this.event(msg.id, at, ev);
  }

  claimIncoming(limit: number): IncomingMessage[] {
    const rows = this.st['selIncoming']!.all(limit) as Array<Pick<MessageRow, 'id' | 'tenant_id' | 'source' | 'mail_from' | 'size' | 'received_at'>>;
    return rows.map((r) => {
      this.st['setMsgState']!.run('processing', r.received_at, r.id);
      const rcpts = this.st['selRcptsOfMsg']!.all(r.id) as Array<{ rcpt: string }>;
      return {
        id: r.id,
        tenantId: r.tenant_id,
        source: r.source as Source,
        envelope: { mailFrom: r.mail_from, rcptTo: rcpts.map((x) => x.rcpt) },
        receivedAt: r.received_at,
        size: r.size,
      };
    });
  }

  /** Returns true when the decision finished the message (reject, drop, nothing to deliver). */
  route(id: MessageId, d: RouteDecision, at: number): boolean {
    const msg = this.st['selMsgTenant']!.get(id) as { tenant_id: string } | undefined;
    if (!msg) throw new SpoolError(`no message ${id}`, 'conflict');
    const rcpts = this.st['selRcptsOfMsg']!.all(id) as Array<{ idx: number; rcpt: string; domain: string; state: string }>;
    const skipped = new Map((d.skip ?? []).map((s) => [s.idx, s]));
    for (const s of skipped.values()) this.st['setRcptState']!.run(s.state, json(s.reply), at, id, s.idx);
    const live = rcpts.filter((r) => r.state === 'pending' && !skipped.has(r.idx));
    let state: MessageState;
    const r = d.route;
    if (r.kind === 'deliver' && live.length > 0) {
      state = 'active';
      const byDomain = new Map<string, number[]>();
      for (const x of live) byDomain.set(x.domain, [...(byDomain.get(x.domain) ?? []), x.idx]);
      for (const [domain, idxs] of byDomain) {
        const jobId = Number(this.st['insJob']!.run(id, msg.tenant_id, domain, r.pool, at, at).lastInsertRowid);
        for (const idx of idxs) this.st['setRcptJob']!.run(jobId, at, id, idx);
      }
    } else if (r.kind === 'quarantine') {
      state = 'quarantined';
    } else {
      state = 'done';
      const rcptState: RecipientState = r.kind === 'reject' ? 'failed' : 'dropped';
      const reply: SmtpReply = r.kind === 'reject' ? r.reply : { code: 250, enhanced: '2.0.0', text: `dropped by policy: ${r.why}` };
      for (const x of live) this.st['setRcptState']!.run(rcptState, json(reply), at, id, x.idx);
    }
    this.st['routeMsg']!.run(state, at, d.verdict ? json(d.verdict) : null, json(r), d.wireMailFrom ?? null, id);
    // Only a message routed for delivery gets a block, and none is routed twice from there (a release
    // re-routes quarantined mail, which never had one): nothing older to clear.
    if (state === 'active' && d.prefix) this.st['setPrefix']!.run(id, d.prefix);
    for (const ev of d.events ?? []) this.event(id, at, ev);
    if (state === 'done') this.st['delBody']!.run(id);
    return state === 'done';
  }

  dueTenants(now: number): TenantId[] {
    const out: TenantId[] = [];
    let row = this.st['firstTenant']!.get() as { tenant_id: string } | undefined;
    while (row) {
      const t = (this.st['tenantMinDue']!.get(row.tenant_id) as { t: number | null }).t;
      if (t !== null && t <= now) out.push(row.tenant_id);
      row = this.st['nextTenant']!.get(row.tenant_id) as { tenant_id: string } | undefined;
    }
    return out;
  }

  claimDue(tenantId: TenantId, now: number, limit: number): DeliveryJob[] {
    const rows = this.st['selDue']!.all(tenantId, now, limit) as JobRow[];
    const out: DeliveryJob[] = [];
    for (const j of rows) {
      this.st['claimJob']!.run(j.id);
      const m = this.st['selMsgForJob']!.get(j.message_id) as { mail_from: string; size: number; received_at: number };
      const recipients = this.st['selJobRcpts']!.all(j.message_id, j.id) as Array<{ idx: number; rcpt: string }>;
      out.push({
        jobId: j.id, messageId: j.message_id, tenantId: j.tenant_id, domain: j.domain, pool: j.pool, attempts: j.attempts,
        receivedAt: m.received_at, mailFrom: m.mail_from, size: m.size, warned: j.warned !== 0, recipients,
      });
    }
    return out;
  }

  nextDueAt(): number | null {
    return (this.st['nextDue']!.get() as { t: number | null }).t;
  }

  /** Returns true when this attempt finished the message (its body is then gone). */
  recordAttempt(rec: AttemptRecord): boolean {
    const job = this.st['selJob']!.get(rec.jobId) as JobRow | undefined;
    if (!job) throw new SpoolError(`no job ${rec.jobId}`, 'conflict');
    if (job.state !== 'inflight') throw new SpoolError(`job ${rec.jobId} is ${job.state}, not inflight`, 'conflict');
    let deferred = 0;
    for (const r of rec.results) {
      if (r.state === 'deferred') {
        deferred++;
        this.st['setRcptState']!.run('queued', json(r.reply), rec.at, job.message_id, r.idx);
      } else {
        this.st['setRcptState']!.run(r.state, json(r.reply), rec.at, job.message_id, r.idx);
      }
    }
    const inc = rec.countsAsAttempt ? 1 : 0;
    if (deferred > 0) {
      this.st['requeueJob']!.run(inc, rec.nextAt ?? rec.at, rec.markWarned ? 1 : 0, rec.jobId);
    } else {
      this.st['doneJob']!.run(inc, rec.jobId);
    }
    this.event(job.message_id, rec.at, rec.event);
    return this.finishIfDone(job.message_id, rec.at);
  }

  private finishIfDone(id: MessageId, at: number): boolean {
    const open = (this.st['openJobsOfMsg']!.get(id) as { n: number }).n;
    if (open === 0) {
      this.st['setMsgState']!.run('done', at, id);
      this.st['delBody']!.run(id);
      this.st['delPrefix']!.run(id);
    }
    return open === 0;
  }

  release(jobIds: readonly number[], nextAt: number): void {
    for (const id of jobIds) this.st['releaseJob']!.run(nextAt, id);
  }

  readBody(id: MessageId): Buffer | null {
    const row = this.st['selBody']!.get(id) as { data: Buffer } | undefined;
    return row?.data ?? null;
  }

  readRouting(id: MessageId): { prefix: Buffer | null; wireMailFrom: string } | null {
    const row = this.st['selRouting']!.get(id) as { prefix: Buffer | null; mail_from: string; wire_mail_from: string | null } | undefined;
    if (!row) return null;
    return { prefix: row.prefix, wireMailFrom: row.wire_mail_from ?? row.mail_from };
  }

  appendEvent(id: MessageId, ev: SpoolEvent, at: number): void {
    this.event(id, at, ev);
  }

  getMessage(id: MessageId): MessageView | null {
    const m = this.st['selMessage']!.get(id) as MessageRow | undefined;
    if (!m) return null;
    const recipients = (this.st['selRcptsOfMsg']!.all(id) as Array<{ idx: number; rcpt: string; domain: string; state: string; reply: string | null }>).map(
      (r): RecipientView => ({
        idx: r.idx, rcpt: r.rcpt, domain: r.domain, state: r.state as RecipientState,
        ...(r.reply ? { reply: JSON.parse(r.reply) as SmtpReply } : {}),
      }),
    );
    const jobs = (this.st['selJobsOfMsg']!.all(id) as JobRow[]).map(
      (j): JobView => ({ jobId: j.id, domain: j.domain, pool: j.pool, state: j.state as JobView['state'], attempts: j.attempts, nextAt: j.next_at }),
    );
    const summary = {
      ...(m.subject !== null ? { subject: m.subject } : {}),
      ...(m.header_from !== null ? { from: m.header_from } : {}),
      ...(m.header_message_id !== null ? { messageId: m.header_message_id } : {}),
    };
    return {
      id: m.id, tenantId: m.tenant_id, source: m.source as Source, clientIp: m.client_ip, mailFrom: m.mail_from, size: m.size,
      receivedAt: m.received_at, state: m.state as MessageState, summary,
      ...(m.verdict ? { verdict: JSON.parse(m.verdict) as Verdict } : {}),
      ...(m.route ? { route: JSON.parse(m.route) as Route } : {}),
      recipients, jobs,
    };
  }

  events(id: MessageId): EventRecord[] {
    return (this.st['selEvents']!.all(id) as Array<{ id: number; message_id: string; at: number; type: string; data: string | null }>).map((e) => ({
      id: e.id, messageId: e.message_id, at: e.at, type: e.type, ...(e.data ? { data: JSON.parse(e.data) as Record<string, unknown> } : {}),
    }));
  }

  counts(): QueueCounts {
    const tally = (rows: Array<{ state: string; n: number }>): Record<string, number> => Object.fromEntries(rows.map((r) => [r.state, r.n]));
    return {
      messages: tally(this.st['countMsgs']!.all() as Array<{ state: string; n: number }>),
      recipients: tally(this.st['countRcpts']!.all() as Array<{ state: string; n: number }>),
      byDestination: this.st['countDest']!.all() as QueueCounts['byDestination'] extends ReadonlyArray<infer T> ? T[] : never,
    };
  }

  retryNow(id: MessageId, at: number): boolean {
    const n = this.st['retryMsg']!.run(at, id).changes;
    if (n > 0) this.event(id, at, { type: 'retry-requested', data: { jobs: n } });
    return n > 0;
  }

  remove(id: MessageId, at: number, why: string): boolean {
    const m = this.st['selMessage']!.get(id) as MessageRow | undefined;
    if (!m || m.state === 'done') return false;
    if ((this.st['inflightOfMsg']!.get(id) as { n: number }).n > 0) {
      throw new SpoolError(`message ${id} is being delivered right now; try again in a moment`, 'conflict');
    }
    const reply: SmtpReply = { code: 550, enhanced: '5.0.0', text: `deleted from the queue: ${why}` };
    this.st['dropPending']!.run(json(reply), at, id);
    this.st['doneJobsOfMsg']!.run(id);
    this.event(id, at, { type: 'deleted', data: { why } });
    this.st['setMsgState']!.run('done', at, id);
    this.st['delBody']!.run(id);
    this.st['delPrefix']!.run(id);
    return true;
  }

  unclaim(id: MessageId, at: number): boolean {
    return this.st['unclaimMsg']!.run(at, id).changes > 0;
  }

  recover(): { messages: number; jobs: number } {
    return {
      messages: this.st['recoverMsgs']!.run().changes,
      jobs: this.st['recoverJobs']!.run().changes,
    };
  }

  expireQuarantine(cutoff: number, limit: number, at: number, reply: SmtpReply): ExpiredMessage[] {
    return this.quarantine.expire(cutoff, limit, at, reply);
  }

  cleanReleases(before: number): number {
    return this.quarantine.cleanReleases(before);
  }

  releaseOf(id: MessageId): ReleaseRequest | null {
    return this.quarantine.releaseOf(id);
  }
}

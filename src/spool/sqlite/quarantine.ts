/**
 * Quarantine queries on the SQLite spool, synchronous, on one connection,
 * with no transaction management of their own: the writer thread wraps them
 * in its group commit, the CLI (quarantine/admin.ts) in one short IMMEDIATE
 * transaction per batch.
 *
 * A quarantined message is `messages.state = 'quarantined'`; its
 * `updated_at` is when it was quarantined. Every query below names
 * `state = 'quarantined'` so that the partial indexes (schema migration 2:
 * by time, by tenant, by class) serve it, and pages by (updated_at, id), so
 * bulk operations over hundreds of thousands of rows stay O(batch log n).
 */
import type { Statement } from 'better-sqlite3';
import type { SmtpReply } from '../../core/smtp-reply.js';
import type { MessageId, VerdictClass } from '../../core/types.js';
import type { Db } from '../../db/sqlite.js';
import type { ExpiredMessage, QuarantineFilter, QuarantinedMessage, ReleaseRequest } from '../../quarantine/types.js';

export interface Cursor {
  readonly at: number;
  readonly id: string;
}

const CLASS_EXPR = `json_extract(verdict, '$.class')`;
const LIST_COLUMNS = `id, tenant_id, mail_from, rcpt_count, size, received_at, updated_at, ${CLASS_EXPR} AS cls, json_extract(verdict, '$.score') AS score, subject, json_extract(route, '$.why') AS why`;

interface ListRow {
  id: string; tenant_id: string; mail_from: string; rcpt_count: number; size: number; received_at: number; updated_at: number;
  cls: string | null; score: number | null; subject: string | null; why: string | null;
}

const toHeld = (r: ListRow): QuarantinedMessage => ({
  id: r.id, tenantId: r.tenant_id, mailFrom: r.mail_from, recipients: r.rcpt_count, size: r.size, receivedAt: r.received_at,
  quarantinedAt: r.updated_at, cls: r.cls as VerdictClass | null, score: r.score, subject: r.subject, why: r.why,
});

export class SqliteQuarantine {
  private readonly cache = new Map<string, Statement>();
  private readonly st: Record<string, Statement>;

  constructor(private readonly db: Db) {
    const p = (sql: string): Statement => db.prepare(sql);
    this.st = {
      release: p(`UPDATE messages SET state = 'incoming', updated_at = ? WHERE id = ? AND state = 'quarantined'`),
      upsertRelease: p(`INSERT INTO quarantine_releases (message_id, by, at, force_pool) VALUES (?, ?, ?, ?)
                        ON CONFLICT(message_id) DO UPDATE SET by = excluded.by, at = excluded.at, force_pool = excluded.force_pool`),
      selRelease: p('SELECT by, at, force_pool FROM quarantine_releases WHERE message_id = ?'),
      finish: p(`UPDATE messages SET state = 'done', updated_at = ? WHERE id = ? AND state = 'quarantined'`),
      finishRcpts: p(`UPDATE recipients SET state = ?, reply = ?, updated_at = ? WHERE message_id = ? AND state = 'pending'`),
      pendingRcpts: p(`SELECT rcpt FROM recipients WHERE message_id = ? AND state = 'pending' ORDER BY idx`),
      delBody: p('DELETE FROM bodies WHERE message_id = ?'),
      selBody: p('SELECT data FROM bodies WHERE message_id = ?'),
      event: p('INSERT INTO events (message_id, at, type, data) VALUES (?, ?, ?, ?)'),
      expiredIds: p(`SELECT id, tenant_id, mail_from, received_at, size FROM messages INDEXED BY messages_quarantined WHERE state = 'quarantined' AND updated_at <= ? ORDER BY updated_at, id LIMIT ?`),
      cleanReleases: p(`DELETE FROM quarantine_releases WHERE at < ? AND message_id NOT IN (SELECT id FROM messages WHERE state IN ('incoming', 'processing'))`),
    };
  }

  /**
   * The WHERE clause, and the partial index that serves it: SQLite has no
   * statistics here and would otherwise pick messages_state and sort every
   * held message for each page.
   */
  private where(f: QuarantineFilter, cursor: Cursor | null): { sql: string; args: unknown[]; key: string; from: string } {
    const parts = [`state = 'quarantined'`];
    const args: unknown[] = [];
    let key = '';
    if (f.tenantId !== undefined) {
      parts.push('tenant_id = ?');
      args.push(f.tenantId);
      key += 't';
    }
    if (f.cls !== undefined) {
      parts.push(`${CLASS_EXPR} = ?`);
      args.push(f.cls);
      key += 'c';
    }
    if (f.before !== undefined) {
      parts.push('updated_at <= ?');
      args.push(f.before);
      key += 'b';
    }
    if (f.after !== undefined) {
      parts.push('updated_at >= ?');
      args.push(f.after);
      key += 'a';
    }
    if (f.reason !== undefined) {
      // Not indexed: filters the rows the partial index yields (the verdict's reasons are a few entries each).
      parts.push(`EXISTS (SELECT 1 FROM json_each(verdict, '$.reasons') WHERE json_extract(value, '$.rule') = ?)`);
      args.push(f.reason);
      key += 'r';
    }
    if (cursor) {
      parts.push('(updated_at, id) > (?, ?)');
      args.push(cursor.at, cursor.id);
      key += 'k';
    }
    const index = f.tenantId !== undefined ? 'messages_quarantined_tenant' : f.cls !== undefined ? 'messages_quarantined_class' : 'messages_quarantined';
    return { sql: parts.join(' AND '), args, key, from: `messages INDEXED BY ${index}` };
  }

  private prep(key: string, sql: string): Statement {
    let s = this.cache.get(key);
    if (!s) {
      s = this.db.prepare(sql);
      this.cache.set(key, s);
    }
    return s;
  }

  /** Held messages matching the filter, oldest quarantined first, after the cursor. */
  list(f: QuarantineFilter, limit: number, cursor: Cursor | null = null): QuarantinedMessage[] {
    const w = this.where(f, cursor);
    const rows = this.prep(`list:${w.key}`, `SELECT ${LIST_COLUMNS} FROM ${w.from} WHERE ${w.sql} ORDER BY updated_at, id LIMIT ?`).all(...w.args, limit) as ListRow[];
    return rows.map(toHeld);
  }

  /** One held message by id (primary key), or null when it is not in quarantine. */
  get(id: MessageId): QuarantinedMessage | null {
    const r = this.prep('get', `SELECT ${LIST_COLUMNS} FROM messages WHERE id = ? AND state = 'quarantined'`).get(id) as ListRow | undefined;
    return r ? toHeld(r) : null;
  }

  count(f: QuarantineFilter): number {
    const w = this.where(f, null);
    return (this.prep(`count:${w.key}`, `SELECT COUNT(*) AS n FROM ${w.from} WHERE ${w.sql}`).get(...w.args) as { n: number }).n;
  }

  /**
   * What a list view adds to rows of list(): each message's recipients still
   * pending and its verdict's reasons (strongest first). One query per kind for
   * the whole page.
   */
  details(ids: readonly MessageId[]): Map<MessageId, { rcpts: string[]; reasons: Array<{ rule: string; weight: number; detail: string }> }> {
    const out = new Map<MessageId, { rcpts: string[]; reasons: Array<{ rule: string; weight: number; detail: string }> }>();
    if (ids.length === 0) return out;
    for (const id of ids) out.set(id, { rcpts: [], reasons: [] });
    const marks = ids.map(() => '?').join(',');
    for (const r of this.db.prepare(`SELECT message_id, rcpt FROM recipients WHERE message_id IN (${marks}) ORDER BY message_id, idx`).all(...ids) as Array<{ message_id: string; rcpt: string }>) {
      out.get(r.message_id)?.rcpts.push(r.rcpt);
    }
    for (const r of this.db.prepare(`SELECT id, json_extract(verdict, '$.reasons') AS reasons FROM messages WHERE id IN (${marks})`).all(...ids) as Array<{ id: string; reasons: string | null }>) {
      try {
        const list = r.reasons ? (JSON.parse(r.reasons) as Array<{ rule: string; weight: number; detail: string }>) : [];
        out.get(r.id)!.reasons.push(...list.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight)));
      } catch {
        // a verdict we cannot read shows no reasons
      }
    }
    return out;
  }

  /** One page of ids for a bulk operation. */
  page(f: QuarantineFilter, limit: number, cursor: Cursor | null): Cursor[] {
    const w = this.where(f, cursor);
    return this.prep(`page:${w.key}`, `SELECT updated_at AS at, id FROM ${w.from} WHERE ${w.sql} ORDER BY updated_at, id LIMIT ?`).all(...w.args, limit) as Cursor[];
  }

  /** The query plan of page() for a filter (tests: every page must be served by an index, no sort). */
  explainPage(f: QuarantineFilter): string {
    const w = this.where(f, { at: 0, id: '' });
    return (this.db.prepare(`EXPLAIN QUERY PLAN SELECT updated_at AS at, id FROM ${w.from} WHERE ${w.sql} ORDER BY updated_at, id LIMIT 500`).all(...w.args) as Array<{ detail: string }>)
      .map((r) => r.detail)
      .join('; ');
  }

  /** Back to `incoming`, so the processor scans and routes them again; returns how many were still quarantined. */
  release(ids: readonly MessageId[], at: number, by: string, forcePool?: string): number {
    let n = 0;
    for (const id of ids) {
      if (this.st['release']!.run(at, id).changes === 0) continue;
      n++;
      this.st['upsertRelease']!.run(id, by, at, forcePool ?? null);
      this.st['event']!.run(id, at, 'released', JSON.stringify({ by, ...(forcePool ? { forcePool } : {}), rescan: true }));
    }
    return n;
  }

  /** Deletes held messages: pending recipients `dropped`, body removed, message done. */
  delete(ids: readonly MessageId[], at: number, by: string, why: string): number {
    const reply: SmtpReply = { code: 550, enhanced: '5.7.1', text: `deleted from quarantine by ${by}: ${why}` };
    let n = 0;
    for (const id of ids) {
      if (this.st['finish']!.run(at, id).changes === 0) continue;
      n++;
      this.st['finishRcpts']!.run('dropped', JSON.stringify(reply), at, id);
      this.st['delBody']!.run(id);
      this.st['event']!.run(id, at, 'quarantine-deleted', JSON.stringify({ by, why }));
    }
    return n;
  }

  releaseOf(id: MessageId): ReleaseRequest | null {
    const r = this.st['selRelease']!.get(id) as { by: string; at: number; force_pool: string | null } | undefined;
    return r ? { by: r.by, at: r.at, ...(r.force_pool ? { forcePool: r.force_pool } : {}) } : null;
  }

  /**
   * Expires up to `limit` messages quarantined at or before `cutoff`: recipients
   * `expired` with `reply`, a final `quarantine-expired` event, body deleted.
   * Returns what the sender's DSN needs (header block read before deletion).
   */
  expire(cutoff: number, limit: number, at: number, reply: SmtpReply): ExpiredMessage[] {
    const rows = this.st['expiredIds']!.all(cutoff, limit) as Array<{ id: string; tenant_id: string; mail_from: string; received_at: number; size: number }>;
    const out: ExpiredMessage[] = [];
    for (const r of rows) {
      const rcpts = (this.st['pendingRcpts']!.all(r.id) as Array<{ rcpt: string }>).map((x) => x.rcpt);
      const body = (this.st['selBody']!.get(r.id) as { data: Buffer } | undefined)?.data ?? null;
      const end = body ? body.indexOf('\r\n\r\n') : -1;
      const headers = body ? Buffer.from(end < 0 ? body : body.subarray(0, end + 2)) : null;
      this.st['finish']!.run(at, r.id);
      this.st['finishRcpts']!.run('expired', JSON.stringify(reply), at, r.id);
      this.st['delBody']!.run(r.id);
      this.st['event']!.run(r.id, at, 'quarantine-expired', JSON.stringify({ quarantinedBefore: cutoff, reply }));
      out.push({ id: r.id, tenantId: r.tenant_id, mailFrom: r.mail_from, receivedAt: r.received_at, size: r.size, rcpts, headers });
    }
    return out;
  }

  /** Forgets release requests older than `before` whose message has been routed since. */
  cleanReleases(before: number): number {
    return this.st['cleanReleases']!.run(before).changes;
  }
}

/**
 * Webhook subscriptions, the outbox and the delivery log (tables in
 * webhooks/schema.ts). Matching runs inside the event store's flush
 * transaction (enqueue()): a tenant subscription matches only its own
 * tenant's events, an operator subscription (tenantId null) every event;
 * an empty type list means every type. The enabled subscriptions are cached
 * in memory and reloaded after every change made through this store.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import { migrate, type Db } from '../db/sqlite.js';
import type { EventType } from '../events/bus.js';
import type { StoredEvent } from '../events/store.js';
import { isSealed, openKey, sealKey } from '../sign/key-seal.js';
import { ServiceError } from '../admin/errors.js';
import { WEBHOOK_MIGRATIONS } from './schema.js';
import { newWebhookSecret } from './signature.js';

export interface Subscription {
  readonly id: string;
  readonly tenantId: string | null;
  readonly url: string;
  readonly types: readonly EventType[];
  readonly description: string;
  readonly enabled: boolean;
  readonly disabledReason: string | null;
  readonly createdAt: number;
  readonly failures: number;
  readonly failingSince: number | null;
  readonly pausedUntil: number;
  readonly lastSuccessAt: number | null;
}

export interface OutboxRow {
  readonly id: number;
  readonly subscriptionId: string;
  readonly eventId: number;
  readonly attempts: number;
  readonly createdAt: number;
}

export interface AttemptLog {
  readonly id: number;
  readonly eventId: number;
  readonly at: number;
  readonly attempt: number;
  readonly status: number | null;
  readonly ms: number;
  readonly ok: boolean;
  readonly error: string | null;
}

interface SubRow {
  id: string; tenant_id: string | null; url: string; types: string; description: string; secret: string; enabled: number; disabled_reason: string | null;
  created_at: number; failures: number; failing_since: number | null; paused_until: number; last_success_at: number | null;
}

const toSub = (r: SubRow): Subscription => ({
  id: r.id, tenantId: r.tenant_id, url: r.url, types: JSON.parse(r.types) as EventType[], description: r.description, enabled: r.enabled === 1,
  disabledReason: r.disabled_reason, createdAt: r.created_at, failures: r.failures, failingSince: r.failing_since, pausedUntil: r.paused_until, lastSuccessAt: r.last_success_at,
});

export class WebhookStore {
  private active: Subscription[] = [];

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly masterKey?: string,
    /** Told after the set of enabled subscriptions may have changed (the event writer thread matches against it). */
    private readonly onChange?: () => void,
  ) {
    migrate(db, 'webhooks', WEBHOOK_MIGRATIONS);
    this.reload();
  }

  /** Re-reads the enabled subscriptions (after a change here or in another connection). */
  reload(): void {
    this.active = (this.db.prepare('SELECT * FROM webhook_subscriptions WHERE enabled = 1').all() as SubRow[]).map(toSub);
    this.onChange?.();
  }

  /** Creates a subscription; the secret is returned here only. */
  create(o: { tenantId: string | null; url: string; types: readonly EventType[]; description?: string }): { subscription: Subscription; secret: string } {
    const id = `wh_${randomBytes(8).toString('hex')}`;
    const secret = newWebhookSecret();
    const stored = this.masterKey ? sealKey(secret, this.masterKey, `webhook:${id}`) : secret;
    this.db
      .prepare('INSERT INTO webhook_subscriptions (id, tenant_id, url, types, description, secret, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(id, o.tenantId, o.url, JSON.stringify([...new Set(o.types)]), o.description ?? '', stored, this.clock.now());
    this.reload();
    return { subscription: this.require(id), secret };
  }

  get(id: string): Subscription | null {
    const r = this.db.prepare('SELECT * FROM webhook_subscriptions WHERE id = ?').get(id) as SubRow | undefined;
    return r ? toSub(r) : null;
  }

  /** The subscription when `tenantId` may see it (operator: undefined sees all); 404 otherwise. */
  require(id: string, tenantId?: string): Subscription {
    const s = this.get(id);
    if (!s || (tenantId !== undefined && s.tenantId !== tenantId)) throw new ServiceError(`no webhook ${id}`, 'not-found');
    return s;
  }

  list(o: { tenantId?: string | null }, limit: number, afterId?: string): Subscription[] {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (o.tenantId === null) where.push('tenant_id IS NULL');
    else if (o.tenantId !== undefined) (where.push('tenant_id = ?'), args.push(o.tenantId));
    if (afterId !== undefined) (where.push('id > ?'), args.push(afterId));
    const rows = this.db.prepare(`SELECT * FROM webhook_subscriptions ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id LIMIT ?`).all(...args, limit) as SubRow[];
    return rows.map(toSub);
  }

  update(id: string, tenantId: string | undefined, u: { url?: string; types?: readonly EventType[]; description?: string; enabled?: boolean }): Subscription {
    this.require(id, tenantId);
    const sets: string[] = [];
    const args: Array<string | number | null> = [];
    if (u.url !== undefined) (sets.push('url = ?'), args.push(u.url));
    if (u.types !== undefined) (sets.push('types = ?'), args.push(JSON.stringify([...new Set(u.types)])));
    if (u.description !== undefined) (sets.push('description = ?'), args.push(u.description));
    if (u.enabled === true) sets.push('enabled = 1, disabled_reason = NULL, failures = 0, failing_since = NULL, paused_until = 0');
    if (u.enabled === false) (sets.push('enabled = 0, disabled_reason = ?'), args.push('disabled by request'));
    if (sets.length > 0) this.db.prepare(`UPDATE webhook_subscriptions SET ${sets.join(', ')} WHERE id = ?`).run(...args, id);
    this.reload();
    return this.require(id);
  }

  /** Deletes the subscription, its pending deliveries and its log. */
  remove(id: string, tenantId?: string): void {
    this.require(id, tenantId);
    this.db.transaction(() => {
      for (const t of ['webhook_outbox', 'webhook_attempts']) this.db.prepare(`DELETE FROM ${t} WHERE subscription_id = ?`).run(id);
      this.db.prepare('DELETE FROM webhook_subscriptions WHERE id = ?').run(id);
    })();
    this.reload();
  }

  secretOf(id: string): string {
    const r = this.db.prepare('SELECT secret FROM webhook_subscriptions WHERE id = ?').get(id) as { secret: string } | undefined;
    if (!r) throw new ServiceError(`no webhook ${id}`, 'not-found');
    if (!isSealed(r.secret)) return r.secret;
    if (!this.masterKey) throw new ServiceError(`the secret of webhook ${id} is sealed and platform.masterKey is not configured`, 'conflict');
    return openKey(r.secret, this.masterKey, `webhook:${id}`);
  }

  /** Inside the event store's transaction: outbox rows for every matching enabled subscription. */
  enqueue(rows: readonly StoredEvent[]): number {
    if (this.active.length === 0) return 0;
    const ins = this.db.prepare(`INSERT INTO webhook_outbox (subscription_id, event_id, state, next_at, created_at) VALUES (?, ?, 'pending', ?, ?)`);
    const now = this.clock.now();
    let n = 0;
    for (const e of rows) {
      for (const s of this.active) {
        if (s.tenantId !== null && s.tenantId !== e.tenantId) continue;
        if (s.types.length > 0 && !s.types.includes(e.type)) continue;
        ins.run(s.id, e.id, now, now);
        n++;
      }
    }
    return n;
  }

  /** Pending deliveries due now whose subscription is enabled and not backing off. */
  due(now: number, limit: number, skip: ReadonlySet<number>): OutboxRow[] {
    const rows = this.db
      .prepare(
        `SELECT o.id, o.subscription_id, o.event_id, o.attempts, o.created_at FROM webhook_outbox o JOIN webhook_subscriptions s ON s.id = o.subscription_id
         WHERE o.state = 'pending' AND o.next_at <= ? AND s.enabled = 1 AND s.paused_until <= ? ORDER BY o.next_at, o.id LIMIT ?`,
      )
      .all(now, now, limit + skip.size) as Array<{ id: number; subscription_id: string; event_id: number; attempts: number; created_at: number }>;
    return rows
      .filter((r) => !skip.has(r.id))
      .slice(0, limit)
      .map((r) => ({ id: r.id, subscriptionId: r.subscription_id, eventId: r.event_id, attempts: r.attempts, createdAt: r.created_at }));
  }

  pendingFor(subscriptionId: string): number {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM webhook_outbox WHERE subscription_id = ? AND state = 'pending'`).get(subscriptionId) as { n: number }).n;
  }

  pendingCount(): number {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM webhook_outbox WHERE state = 'pending'`).get() as { n: number }).n;
  }

  /** Records one HTTP attempt and its consequences, in one transaction. */
  recordAttempt(
    row: OutboxRow,
    r: { at: number; status: number | null; ms: number; ok: boolean; error: string | null },
    next: { outboxState: 'delivered' | 'pending' | 'expired'; nextAt: number; pausedUntil: number; disable?: string },
  ): void {
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO webhook_attempts (subscription_id, outbox_id, event_id, at, attempt, status, ms, ok, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(row.subscriptionId, row.id, row.eventId, r.at, row.attempts + 1, r.status, r.ms, r.ok ? 1 : 0, r.error);
      this.db.prepare('UPDATE webhook_outbox SET state = ?, attempts = attempts + 1, next_at = ? WHERE id = ?').run(next.outboxState, next.nextAt, row.id);
      if (r.ok) {
        this.db.prepare('UPDATE webhook_subscriptions SET failures = 0, failing_since = NULL, paused_until = 0, last_success_at = ? WHERE id = ?').run(r.at, row.subscriptionId);
      } else {
        this.db
          .prepare('UPDATE webhook_subscriptions SET failures = failures + 1, failing_since = COALESCE(failing_since, ?), paused_until = ? WHERE id = ?')
          .run(r.at, next.pausedUntil, row.subscriptionId);
        if (next.disable) this.db.prepare('UPDATE webhook_subscriptions SET enabled = 0, disabled_reason = ? WHERE id = ?').run(next.disable, row.subscriptionId);
      }
    })();
    if (next.disable) this.reload();
  }

  /** The delivery log of one subscription, newest first. */
  attempts(subscriptionId: string, limit: number, beforeId?: number): AttemptLog[] {
    const rows = this.db
      .prepare(`SELECT id, event_id, at, attempt, status, ms, ok, error FROM webhook_attempts WHERE subscription_id = ? ${beforeId !== undefined ? 'AND id < ?' : ''} ORDER BY id DESC LIMIT ?`)
      .all(...(beforeId !== undefined ? [subscriptionId, beforeId, limit] : [subscriptionId, limit])) as Array<{
      id: number; event_id: number; at: number; attempt: number; status: number | null; ms: number; ok: number; error: string | null;
    }>;
    return rows.map((r) => ({ id: r.id, eventId: r.event_id, at: r.at, attempt: r.attempt, status: r.status, ms: r.ms, ok: r.ok === 1, error: r.error }));
  }

  /** Deletes log rows and finished outbox rows older than `before`. */
  prune(before: number): void {
    this.db.prepare('DELETE FROM webhook_attempts WHERE id IN (SELECT id FROM webhook_attempts WHERE at < ? LIMIT 5000)').run(before);
    this.db.prepare(`DELETE FROM webhook_outbox WHERE id IN (SELECT id FROM webhook_outbox WHERE state <> 'pending' AND created_at < ? LIMIT 5000)`).run(before);
  }
}

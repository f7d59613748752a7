/**
 * Webhook tables, in the event database (events.db) beside the events:
 * - webhook_subscriptions: who gets what (tenant or operator, URL, event types,
 *   signing secret — sealed with platform.masterKey when one is configured),
 *   the failure streak and the subscription-wide back-off (`paused_until`).
 * - webhook_outbox: one row per (event, matching subscription), written in the
 *   event's own transaction; pending until delivered or expired (durable
 *   across restarts).
 * - webhook_attempts: the delivery log, one row per HTTP attempt.
 */
export const WEBHOOK_MIGRATIONS: readonly string[] = [
  `CREATE TABLE webhook_subscriptions (
     id TEXT PRIMARY KEY,
     tenant_id TEXT,
     url TEXT NOT NULL,
     types TEXT NOT NULL,
     description TEXT NOT NULL DEFAULT '',
     secret TEXT NOT NULL,
     enabled INTEGER NOT NULL DEFAULT 1,
     disabled_reason TEXT,
     created_at INTEGER NOT NULL,
     failures INTEGER NOT NULL DEFAULT 0,
     failing_since INTEGER,
     paused_until INTEGER NOT NULL DEFAULT 0,
     last_success_at INTEGER
   );
   CREATE INDEX webhook_subscriptions_tenant ON webhook_subscriptions(tenant_id);
   CREATE TABLE webhook_outbox (
     id INTEGER PRIMARY KEY,
     subscription_id TEXT NOT NULL,
     event_id INTEGER NOT NULL,
     state TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     next_at INTEGER NOT NULL,
     created_at INTEGER NOT NULL
   );
   CREATE INDEX webhook_outbox_due ON webhook_outbox(next_at) WHERE state = 'pending';
   CREATE INDEX webhook_outbox_sub ON webhook_outbox(subscription_id, state);
   CREATE TABLE webhook_attempts (
     id INTEGER PRIMARY KEY,
     subscription_id TEXT NOT NULL,
     outbox_id INTEGER NOT NULL,
     event_id INTEGER NOT NULL,
     at INTEGER NOT NULL,
     attempt INTEGER NOT NULL,
     status INTEGER,
     ms INTEGER NOT NULL,
     ok INTEGER NOT NULL,
     error TEXT
   );
   CREATE INDEX webhook_attempts_sub ON webhook_attempts(subscription_id, id);
   CREATE INDEX webhook_attempts_at ON webhook_attempts(at);`,
];

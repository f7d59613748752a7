/**
 * Tables of the event database (`dataDir/events.db`): the append-only platform
 * event log. Webhook tables (src/webhooks/schema.ts) live in the same file so
 * that an event and its webhook outbox rows commit together.
 */
export const EVENT_STORE_MIGRATIONS: readonly string[] = [
  `CREATE TABLE events (
     id INTEGER PRIMARY KEY,
     at INTEGER NOT NULL,
     type TEXT NOT NULL,
     tenant_id TEXT,
     message_id TEXT,
     data TEXT NOT NULL
   );
   CREATE INDEX events_at ON events(at);
   CREATE INDEX events_tenant ON events(tenant_id, id);
   CREATE INDEX events_tenant_type ON events(tenant_id, type, id);
   CREATE INDEX events_type ON events(type, id);
   CREATE INDEX events_message ON events(message_id, id) WHERE message_id IS NOT NULL;`,
];

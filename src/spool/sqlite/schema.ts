/**
 * SQLite spool schema (embedded default). Versioned with PRAGMA user_version;
 * migrations append to MIGRATIONS and never edit a shipped one.
 * Bodies live in their own table so that queue scans never touch them.
 * The partial index jobs_due (tenant, next_at) over queued jobs keeps claiming
 * O(log n) in queue size, whatever the backlog.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    source TEXT NOT NULL,
    client_ip TEXT NOT NULL,
    mail_from TEXT NOT NULL,
    wire_mail_from TEXT,
    size INTEGER NOT NULL,
    rcpt_count INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    state TEXT NOT NULL,
    subject TEXT,
    header_from TEXT,
    header_message_id TEXT,
    verdict TEXT,
    route TEXT,
    prefix BLOB
  );
  CREATE INDEX messages_state ON messages(state, received_at);
  CREATE INDEX messages_tenant ON messages(tenant_id, received_at);
  CREATE TABLE bodies (message_id TEXT PRIMARY KEY, data BLOB NOT NULL);
  CREATE TABLE recipients (
    message_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    rcpt TEXT NOT NULL,
    domain TEXT NOT NULL,
    state TEXT NOT NULL,
    job_id INTEGER,
    reply TEXT,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (message_id, idx)
  ) WITHOUT ROWID;
  CREATE INDEX recipients_rcpt ON recipients(rcpt);
  CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL,
    tenant_id TEXT NOT NULL,
    domain TEXT NOT NULL,
    pool TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER NOT NULL,
    warned INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX jobs_due ON jobs(tenant_id, next_at) WHERE state = 'queued';
  CREATE INDEX jobs_message ON jobs(message_id);
  CREATE INDEX jobs_active_dest ON jobs(domain, pool) WHERE state IN ('queued', 'inflight');
  CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    type TEXT NOT NULL,
    data TEXT
  );
  CREATE INDEX events_message ON events(message_id, id);
  `,
  // 2: quarantine — partial indexes over held messages (by time, tenant, class) and operators' release requests.
  `
  CREATE INDEX messages_quarantined ON messages(updated_at, id) WHERE state = 'quarantined';
  CREATE INDEX messages_quarantined_tenant ON messages(tenant_id, updated_at, id) WHERE state = 'quarantined';
  CREATE INDEX messages_quarantined_class ON messages(json_extract(verdict, '$.class'), updated_at, id) WHERE state = 'quarantined';
  CREATE TABLE quarantine_releases (
    message_id TEXT PRIMARY KEY,
    by TEXT NOT NULL,
    at INTEGER NOT NULL,
    force_pool TEXT
  ) WITHOUT ROWID;
  `,
  // 3: the signature header block of a message routed for delivery, in its own table (it was messages.prefix):
  // messages rows stay small (each is rewritten at every state change) and the block goes when the message is done.
  `
  CREATE TABLE prefixes (message_id TEXT PRIMARY KEY, data BLOB NOT NULL);
  `,
];

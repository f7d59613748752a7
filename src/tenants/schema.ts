/**
 * Tenant tables in the state database: tenants, their verified sender domains
 * and their credentials (hashes only). A domain belongs to at most one tenant.
 */
export const TENANT_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE tenants (
    id TEXT PRIMARY KEY,
    enabled INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE tenant_domains (
    domain TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    added_at INTEGER NOT NULL
  );
  CREATE INDEX tenant_domains_tenant ON tenant_domains(tenant_id);
  CREATE TABLE credentials (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    kind TEXT NOT NULL,
    username TEXT,
    hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
  );
  CREATE UNIQUE INDEX credentials_smtp_user ON credentials(username) WHERE kind = 'smtp' AND revoked_at IS NULL;
  CREATE INDEX credentials_tenant ON credentials(tenant_id);
  `,
];

/**
 * Tenants, their verified sender domains and credentials, in the state database.
 *
 * Invariants: a domain is verified for at most one tenant; secrets are stored
 * only as scrypt hashes; a disabled tenant authenticates to nothing. A
 * successful verification is remembered for a minute (keyed by a SHA-256 of
 * the secret, never the secret itself) so that clients that authenticate per
 * message do not pay scrypt every time; enabled/revoked is still read each time.
 * Verified domains are cached per tenant for DOMAIN_TTL_MS (they are checked
 * several times per message); a change made through this store applies at
 * once, one made by another process (the CLI) within that time.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import { isDomainName } from '../core/address.js';
import type { TenantId } from '../core/types.js';
import { migrate, type Db } from '../db/sqlite.js';
import { TENANT_MIGRATIONS } from './schema.js';
import { hashSecret, newSecret, verifySecret } from './secrets.js';

export interface Tenant {
  readonly id: TenantId;
  readonly enabled: boolean;
  readonly createdAt: number;
  readonly domains: readonly string[];
}

export interface CredentialInfo {
  readonly id: string;
  readonly kind: 'smtp' | 'api';
  readonly username: string | null;
  readonly createdAt: number;
  readonly revokedAt: number | null;
}

/** Who is sending: the tenant and which of its credentials was used. */
export interface Principal {
  readonly tenant: Tenant;
  readonly credentialId: string;
  readonly user: string;
}

export class TenantError extends Error {
  constructor(
    message: string,
    readonly kind: 'invalid' | 'exists' | 'not-found' | 'conflict',
  ) {
    super(message);
    this.name = 'TenantError';
  }
}

const NAME_RE = /^[a-z0-9][a-z0-9-]{1,62}$/;
const VERIFIED_TTL_MS = 60_000;
const DOMAIN_TTL_MS = 5_000;

export class TenantStore {
  private readonly verified = new Map<string, number>();
  private readonly ownsStmt;
  private readonly domainCache = new Map<TenantId, { domains: Set<string>; until: number }>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    migrate(db, 'tenants', TENANT_MIGRATIONS);
    this.ownsStmt = db.prepare('SELECT domain FROM tenant_domains WHERE tenant_id = ?');
  }

  add(id: string, domains: readonly string[]): Tenant {
    if (!NAME_RE.test(id)) throw new TenantError(`invalid tenant name "${id}": use 2-63 lower-case letters, digits or -`, 'invalid');
    if (domains.length === 0) throw new TenantError('a tenant needs at least one --domain', 'invalid');
    const now = this.clock.now();
    this.db.transaction(() => {
      if (this.db.prepare('SELECT 1 FROM tenants WHERE id = ?').get(id)) throw new TenantError(`tenant "${id}" already exists`, 'exists');
      this.db.prepare('INSERT INTO tenants (id, enabled, created_at) VALUES (?, 1, ?)').run(id, now);
      for (const d of domains) this.insertDomain(id, d, now);
    })();
    return this.require(id);
  }

  private insertDomain(id: TenantId, domain: string, now: number): void {
    this.domainCache.delete(id);
    const d = domain.toLowerCase();
    if (!isDomainName(d)) throw new TenantError(`invalid domain "${domain}"`, 'invalid');
    const owner = this.db.prepare('SELECT tenant_id FROM tenant_domains WHERE domain = ?').get(d) as { tenant_id: string } | undefined;
    if (owner && owner.tenant_id !== id) throw new TenantError(`domain ${d} is already verified for another tenant`, 'conflict');
    if (!owner) this.db.prepare('INSERT INTO tenant_domains (domain, tenant_id, added_at) VALUES (?, ?, ?)').run(d, id, now);
  }

  addDomain(id: TenantId, domain: string): Tenant {
    this.require(id);
    this.db.transaction(() => this.insertDomain(id, domain, this.clock.now()))();
    return this.require(id);
  }

  removeDomain(id: TenantId, domain: string): Tenant {
    this.require(id);
    this.db.prepare('DELETE FROM tenant_domains WHERE tenant_id = ? AND domain = ?').run(id, domain.toLowerCase());
    this.domainCache.delete(id);
    return this.require(id);
  }

  get(id: TenantId): Tenant | null {
    const row = this.db.prepare('SELECT id, enabled, created_at FROM tenants WHERE id = ?').get(id) as
      | { id: string; enabled: number; created_at: number }
      | undefined;
    if (!row) return null;
    const domains = (this.db.prepare('SELECT domain FROM tenant_domains WHERE tenant_id = ? ORDER BY domain').all(id) as Array<{ domain: string }>).map(
      (r) => r.domain,
    );
    return { id: row.id, enabled: row.enabled === 1, createdAt: row.created_at, domains };
  }

  require(id: TenantId): Tenant {
    const t = this.get(id);
    if (!t) throw new TenantError(`no tenant named "${id}"`, 'not-found');
    return t;
  }

  list(): Tenant[] {
    const ids = this.db.prepare('SELECT id FROM tenants ORDER BY id').all() as Array<{ id: string }>;
    return ids.map((r) => this.require(r.id));
  }

  /** One page of tenants ordered by id, after `afterId` (API pagination; one query per tenant on the page only). */
  listPage(limit: number, afterId?: string, enabled?: boolean): Tenant[] {
    const ids = this.db
      .prepare(`SELECT id FROM tenants WHERE id > ? ${enabled === undefined ? '' : 'AND enabled = ?'} ORDER BY id LIMIT ?`)
      .all(...(enabled === undefined ? [afterId ?? '', limit] : [afterId ?? '', enabled ? 1 : 0, limit])) as Array<{ id: string }>;
    return ids.map((r) => this.require(r.id));
  }

  /** The tenant for which `domain` is verified, or null. */
  ownerOfDomain(domain: string): TenantId | null {
    const r = this.db.prepare('SELECT tenant_id FROM tenant_domains WHERE domain = ?').get(domain.toLowerCase()) as { tenant_id: string } | undefined;
    return r?.tenant_id ?? null;
  }

  setEnabled(id: TenantId, enabled: boolean): Tenant {
    this.require(id);
    this.db.prepare('UPDATE tenants SET enabled = ? WHERE id = ?').run(enabled ? 1 : 0, id);
    return this.require(id);
  }

  /** Is `domain` one of the tenant's verified sender domains? Exact match, case-insensitive. */
  ownsDomain(id: TenantId, domain: string): boolean {
    const now = this.clock.now();
    let c = this.domainCache.get(id);
    if (!c || c.until <= now) {
      c = { domains: new Set((this.ownsStmt.all(id) as Array<{ domain: string }>).map((r) => r.domain)), until: now + DOMAIN_TTL_MS };
      if (this.domainCache.size > 10_000) this.domainCache.clear();
      this.domainCache.set(id, c);
    }
    return c.domains.has(domain.toLowerCase());
  }

  /** Issues a new SMTP password for `username` (default: the tenant's name), revoking its previous one. */
  async newSmtpPassword(id: TenantId, username: string = id): Promise<{ username: string; password: string }> {
    this.require(id);
    if (!/^[A-Za-z0-9._@+-]{2,128}$/.test(username)) throw new TenantError(`invalid SMTP username "${username}"`, 'invalid');
    const password = newSecret();
    const hash = await hashSecret(password);
    const now = this.clock.now();
    this.db.transaction(() => {
      const other = this.db
        .prepare(`SELECT tenant_id FROM credentials WHERE kind = 'smtp' AND username = ? AND revoked_at IS NULL`)
        .get(username) as { tenant_id: string } | undefined;
      if (other && other.tenant_id !== id) throw new TenantError(`SMTP username "${username}" belongs to another tenant`, 'conflict');
      this.db.prepare(`UPDATE credentials SET revoked_at = ? WHERE kind = 'smtp' AND username = ? AND revoked_at IS NULL`).run(now, username);
      this.db
        .prepare(`INSERT INTO credentials (id, tenant_id, kind, username, hash, created_at) VALUES (?, ?, 'smtp', ?, ?, ?)`)
        .run(`smtp_${randomBytes(6).toString('hex')}`, id, username, hash, now);
    })();
    return { username, password };
  }

  /** Issues a new API key ("op_<id>_<secret>"); earlier keys stay valid until revoked. */
  async newApiKey(id: TenantId): Promise<{ id: string; key: string }> {
    this.require(id);
    const keyId = randomBytes(6).toString('hex');
    const secret = newSecret();
    const hash = await hashSecret(secret);
    this.db
      .prepare(`INSERT INTO credentials (id, tenant_id, kind, username, hash, created_at) VALUES (?, ?, 'api', NULL, ?, ?)`)
      .run(`api_${keyId}`, id, hash, this.clock.now());
    return { id: `api_${keyId}`, key: `op_${keyId}_${secret}` };
  }

  revokeCredential(id: TenantId, credentialId: string): boolean {
    return this.db.prepare('UPDATE credentials SET revoked_at = ? WHERE id = ? AND tenant_id = ? AND revoked_at IS NULL').run(this.clock.now(), credentialId, id).changes > 0;
  }

  credentials(id: TenantId): CredentialInfo[] {
    return (
      this.db.prepare('SELECT id, kind, username, created_at, revoked_at FROM credentials WHERE tenant_id = ? ORDER BY created_at').all(id) as Array<{
        id: string;
        kind: 'smtp' | 'api';
        username: string | null;
        created_at: number;
        revoked_at: number | null;
      }>
    ).map((r) => ({ id: r.id, kind: r.kind, username: r.username, createdAt: r.created_at, revokedAt: r.revoked_at }));
  }

  async authenticateSmtp(username: string, password: string): Promise<Principal | null> {
    const row = this.db
      .prepare(`SELECT id, tenant_id, hash FROM credentials WHERE kind = 'smtp' AND username = ? AND revoked_at IS NULL`)
      .get(username) as { id: string; tenant_id: string; hash: string } | undefined;
    return this.check(row, password, username);
  }

  async authenticateApiKey(key: string): Promise<Principal | null> {
    const m = /^op_([0-9a-f]{12})_([A-Za-z0-9_-]{10,64})$/.exec(key);
    if (!m) return null;
    const row = this.db.prepare(`SELECT id, tenant_id, hash FROM credentials WHERE kind = 'api' AND id = ? AND revoked_at IS NULL`).get(`api_${m[1]}`) as
      | { id: string; tenant_id: string; hash: string }
      | undefined;
    return this.check(row, m[2]!, `api_${m[1]}`);
  }

  private async check(row: { id: string; tenant_id: string; hash: string } | undefined, secret: string, user: string): Promise<Principal | null> {
    if (!row) {
      await verifySecret(secret, DUMMY_HASH); // same cost for unknown users: no user enumeration by timing
      return null;
    }
    const cacheKey = `${row.id}:${createHash('sha256').update(secret).digest('base64url')}`;
    const until = this.verified.get(cacheKey);
    const now = this.clock.now();
    if (!(until !== undefined && until > now)) {
      if (!(await verifySecret(secret, row.hash))) return null;
      if (this.verified.size > 10_000) this.verified.clear();
      this.verified.set(cacheKey, now + VERIFIED_TTL_MS);
    }
    const tenant = this.get(row.tenant_id);
    if (!tenant || !tenant.enabled) return null;
    return { tenant, credentialId: row.id, user };
  }
}

const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

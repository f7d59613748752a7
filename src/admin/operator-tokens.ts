/**
 * Operator tokens for the admin API (`/v1/admin/…`), kept in the state
 * database (table operator_tokens). A token is `opa_<12 hex id>_<secret>`;
 * only a SHA-256 of the secret is stored. The secret is 144 random bits, so a
 * fast hash is enough (no dictionary to guess from) and checking costs no
 * scrypt per request. Created with `outpost admin token create NAME`, shown
 * once; revoked tokens stop working at once (every check reads the row).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import { migrate, type Db } from '../db/sqlite.js';
import { newSecret } from '../tenants/secrets.js';
import { ServiceError } from './errors.js';

const MIGRATIONS = [
  `CREATE TABLE operator_tokens (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     hash TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     revoked_at INTEGER
   );`,
];

export interface OperatorTokenInfo {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
  readonly revokedAt: number | null;
}

const TOKEN_RE = /^opa_([0-9a-f]{12})_([A-Za-z0-9_-]{10,64})$/;
const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();

export class OperatorTokens {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    migrate(db, 'operator-tokens', MIGRATIONS);
  }

  create(name: string): { id: string; token: string } {
    if (!/^[A-Za-z0-9._@ -]{1,64}$/.test(name)) throw new ServiceError(`invalid token name "${name}": use 1-64 letters, digits, space, . _ @ -`, 'invalid');
    const hex = randomBytes(6).toString('hex');
    const secret = newSecret();
    this.db.prepare('INSERT INTO operator_tokens (id, name, hash, created_at) VALUES (?, ?, ?, ?)').run(`opt_${hex}`, name, sha256(secret).toString('hex'), this.clock.now());
    return { id: `opt_${hex}`, token: `opa_${hex}_${secret}` };
  }

  list(): OperatorTokenInfo[] {
    const rows = this.db.prepare('SELECT id, name, created_at, revoked_at FROM operator_tokens ORDER BY created_at').all() as Array<{ id: string; name: string; created_at: number; revoked_at: number | null }>;
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, revokedAt: r.revoked_at }));
  }

  revoke(id: string): void {
    const n = this.db.prepare('UPDATE operator_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(this.clock.now(), id).changes;
    if (n === 0) throw new ServiceError(`no active operator token ${id}`, 'not-found');
  }

  /** The token's id and name when it is valid and not revoked; null otherwise. */
  verify(token: string): OperatorTokenInfo | null {
    const m = TOKEN_RE.exec(token);
    if (!m) return null;
    const row = this.db.prepare('SELECT id, name, hash, created_at, revoked_at FROM operator_tokens WHERE id = ?').get(`opt_${m[1]}`) as
      | { id: string; name: string; hash: string; created_at: number; revoked_at: number | null }
      | undefined;
    if (!row || row.revoked_at !== null) return null;
    const expected = Buffer.from(row.hash, 'hex');
    const got = sha256(m[2]!);
    if (expected.length !== got.length || !timingSafeEqual(expected, got)) return null;
    return { id: row.id, name: row.name, createdAt: row.created_at, revokedAt: null };
  }
}

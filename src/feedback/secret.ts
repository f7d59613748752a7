/**
 * The VERP HMAC secret: `feedback.verpSecret` from the configuration, else a
 * random 32-byte secret generated on first use and kept in the state database
 * (table `platform_secrets`), so tokens minted before a restart still verify.
 * The secret is never logged or printed; only this module and the codec see it.
 */
import { randomBytes } from 'node:crypto';
import { migrate, type Db } from '../db/sqlite.js';

const MIGRATIONS = [`CREATE TABLE platform_secrets (name TEXT PRIMARY KEY, value BLOB NOT NULL, created_at INTEGER NOT NULL);`];

export function verpSecret(db: Db, configured: string | undefined, now: number): Buffer {
  if (configured !== undefined) return Buffer.from(configured, 'utf8');
  migrate(db, 'platform-secrets', MIGRATIONS);
  db.prepare('INSERT INTO platform_secrets (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT(name) DO NOTHING').run('verp', randomBytes(32), now);
  return (db.prepare('SELECT value FROM platform_secrets WHERE name = ?').get('verp') as { value: Buffer }).value;
}

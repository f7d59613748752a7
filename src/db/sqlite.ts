/**
 * Opening an embedded SQLite database the way Outpost needs it: WAL journal,
 * synchronous=FULL (a commit is on disk when it returns), a busy timeout for
 * the second writer (CLI next to a running gateway), and schema migrations
 * tracked in PRAGMA user_version.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type Db = Database.Database;

export function openSqlite(file: string, migrations: readonly string[]): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma('temp_store = MEMORY');
  db.pragma('cache_size = -32000');
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let v = version; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return db;
}

/** SQLite error codes that mean "out of space" rather than a bug. */
export function isDiskFull(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code ?? '';
  return code === 'SQLITE_FULL' || code === 'ENOSPC';
}

export function isIoError(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code ?? '';
  return code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code === 'SQLITE_CORRUPT';
}

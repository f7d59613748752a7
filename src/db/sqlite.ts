/**
 * Opening an embedded SQLite database the way Outpost needs it: WAL journal,
 * synchronous=FULL (a commit is on disk when it returns), a busy timeout for
 * the second writer (CLI next to a running gateway), and schema migrations
 * per module, tracked in a schema_migrations table so several modules
 * (tenants, suppression, pools…) can share one state database.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type Db = Database.Database;

/**
 * Page cache per connection. The gateway holds seven connections (spool
 * writer, reader, checkpoint and search; events writer and reader; state), and
 * a cache is malloc'd memory that stays once filled: the two writing
 * connections, whose index pages are hot, get WRITER_CACHE_KIB
 * (useWriterCache); every other one READER_CACHE_KIB. Halved in session 5
 * (from 8 MiB / 2 MiB) with no difference in throughput that interleaved runs
 * could tell from noise (docs/benchmarks.md, session 5); a reader's cache is
 * emptied at every commit of the writer anyway.
 */
const READER_CACHE_KIB = 1024;
const WRITER_CACHE_KIB = 4096;

/** Gives a connection that writes on the hot path the larger page cache. */
export function useWriterCache(db: Db): void {
  db.pragma(`cache_size = -${WRITER_CACHE_KIB}`);
}

export function openSqlite(file: string, module?: string, migrations: readonly string[] = []): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma('temp_store = MEMORY');
  db.pragma(`cache_size = -${READER_CACHE_KIB}`);
  if (module) migrate(db, module, migrations);
  return db;
}

/** Applies the module's migrations not yet applied. A shipped migration is never edited. */
export function migrate(db: Db, module: string, migrations: readonly string[]): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT PRIMARY KEY, version INTEGER NOT NULL)');
  const row = db.prepare('SELECT version FROM schema_migrations WHERE module = ?').get(module) as { version: number } | undefined;
  for (let v = row?.version ?? 0; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]!);
      db.prepare('INSERT INTO schema_migrations (module, version) VALUES (?, ?) ON CONFLICT(module) DO UPDATE SET version = excluded.version').run(module, v + 1);
    })();
  }
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

/**
 * Opening the spool database (migrations, optional size cap) and turning
 * SQLite errors into typed SpoolErrors: full (disk or cap: 452), io, or
 * conflict. Shared by the in-process and the threaded spool.
 */
import { isDiskFull, isIoError, openSqlite, type Db } from '../../db/sqlite.js';
import { SpoolError } from '../spool.js';
import { MIGRATIONS } from './schema.js';

export interface SpoolDbOptions {
  /** Cap on the database size in bytes (0 or absent: none). */
  readonly maxBytes?: number;
  /** false: this connection never checkpoints the WAL itself (a checkpoint thread does). */
  readonly autoCheckpoint?: boolean;
}

export function openSpoolDb(file: string, opts: SpoolDbOptions = {}): Db {
  const db = openSqlite(file, 'spool', MIGRATIONS);
  if (opts.autoCheckpoint === false) db.pragma('wal_autocheckpoint = 0');
  if (opts.maxBytes) {
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.pragma(`max_page_count = ${Math.max(16, Math.floor(opts.maxBytes / pageSize))}`);
  }
  return db;
}

export function toSpoolError(e: unknown): unknown {
  if (e instanceof SpoolError) return e;
  if (isDiskFull(e)) return new SpoolError(`spool storage full: ${(e as Error).message}`, 'full');
  if (isIoError(e)) return new SpoolError(`spool I/O error: ${(e as Error).message}`, 'io');
  return e;
}

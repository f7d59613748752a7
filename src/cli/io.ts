/**
 * CLI plumbing shared by the subcommands: output sinks (injectable for
 * tests), the typed CLI error, opening the data directory's stores, and
 * plain-text tables.
 */
import type { Config } from '../config/schema.js';
import { systemClock } from '../core/clock.js';
import { openSpool, openStateDb } from '../gateway.js';
import { TenantStore } from '../tenants/store.js';
import type { SqliteSpool } from '../spool/sqlite/sqlite-spool.js';
import type { Db } from '../db/sqlite.js';

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

export function processIo(): Io {
  return { out: (l) => process.stdout.write(l + '\n'), err: (l) => process.stderr.write(l + '\n') };
}

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export type ConfigLoader = (file: string | undefined) => Config;

/** Opens the state database for one command (sync or async) and always closes it. */
export async function withState<T>(config: Config, fn: (db: Db, tenants: TenantStore) => T | Promise<T>): Promise<T> {
  const db = openStateDb(config.dataDir);
  try {
    return await fn(db, new TenantStore(db, systemClock));
  } finally {
    db.close();
  }
}

export async function withSpool<T>(config: Config, fn: (spool: SqliteSpool) => Promise<T>): Promise<T> {
  const spool = openSpool(config.dataDir);
  try {
    return await fn(spool);
  } finally {
    await spool.close();
  }
}

export function table(rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  if (rows.length === 0) return '';
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => String(r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => String(c).padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

export const iso = (ms: number | null | undefined): string => (ms ? new Date(ms).toISOString().replace('.000Z', 'Z') : '-');

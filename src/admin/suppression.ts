/**
 * Suppression-list operations shared by `outpost suppression …` and the admin
 * and tenant APIs: a page of a tenant's list (filter by reason, search by
 * address prefix), add, remove, CSV import (in batches, with progress) and
 * CSV export. The store is src/suppression/store.ts; changes apply to the
 * tenant's next submission.
 */
import type { TenantStore } from '../tenants/store.js';
import { CsvError, formatCsv, parseCsv } from '../suppression/csv.js';
import { normalizeRcpt, type Suppression, type SuppressionStore } from '../suppression/store.js';
import { ServiceError } from './errors.js';

export interface SuppressionView {
  readonly address: string;
  readonly reason: string;
  /** delivery, feedback, cli, import, api */
  readonly source: string;
  readonly createdAt: string;
  readonly messageId: string | null;
  readonly detail: string | null;
}

export function suppressionView(s: Suppression): SuppressionView {
  return { address: s.rcpt, reason: s.reason, source: s.source, createdAt: new Date(s.createdAt).toISOString(), messageId: s.messageId ?? null, detail: s.detail ?? null };
}

const ADDRESS = /^[^@\s]+@[^@\s]+$/;

export function listSuppressions(tenants: TenantStore, store: SuppressionStore, tenant: string, f: { reason?: string; prefix?: string }, limit: number, after?: string): { items: SuppressionView[]; more: boolean } {
  tenants.require(tenant);
  const rows = store.page(tenant, f, limit + 1, after);
  const more = rows.length > limit;
  return { items: (more ? rows.slice(0, limit) : rows).map(suppressionView), more };
}

/** Adds one address; `added` is false when it was already on the list (the first reason and date stay). */
export function addSuppression(tenants: TenantStore, store: SuppressionStore, tenant: string, address: string, reason: string, source: string): { added: boolean; entry: SuppressionView } {
  tenants.require(tenant);
  if (!ADDRESS.test(address.trim())) throw new ServiceError(`address: "${address}" is not an e-mail address`, 'invalid');
  const added = store.add({ tenantId: tenant, rcpt: address, reason, source });
  return { added, entry: suppressionView(store.get(tenant, address)!) };
}

export function removeSuppression(tenants: TenantStore, store: SuppressionStore, tenant: string, address: string): void {
  tenants.require(tenant);
  if (!store.remove(tenant, address)) throw new ServiceError(`${normalizeRcpt(address)} is not on the suppression list of ${tenant}`, 'not-found');
}

export interface ImportResult {
  readonly rows: number;
  readonly added: number;
  readonly existing: number;
}

function parseImport(csv: string, now: number): Array<{ rcpt: string; reason: string; at: number }> {
  try {
    return parseCsv(csv, now);
  } catch (e) {
    if (e instanceof CsvError) throw new ServiceError(`csv: ${e.message}`, 'invalid');
    throw e;
  }
}

/**
 * Imports CSV `recipient,reason,date` (header optional; see suppression/csv.ts).
 * The whole file is checked first (an unreadable line is an error naming it,
 * nothing is added), then added in transactions of 1,000 rows.
 */
export function importSuppressions(tenants: TenantStore, store: SuppressionStore, tenant: string, csv: string, now: number, o: { source?: string; onProgress?: (done: number, total: number) => void } = {}): ImportResult {
  tenants.require(tenant);
  const rows = parseImport(csv, now);
  o.onProgress?.(0, rows.length);
  let added = 0;
  for (const step of store.addBatches(tenant, rows, o.source ?? 'import')) {
    added = step.added;
    o.onProgress?.(step.done, rows.length);
  }
  return { rows: rows.length, added, existing: rows.length - added };
}

/** importSuppressions() for a server: the event loop is free between the 1,000-row transactions (~8 ms each). */
export async function importSuppressionsAsync(tenants: TenantStore, store: SuppressionStore, tenant: string, csv: string, now: number, source = 'import'): Promise<ImportResult> {
  tenants.require(tenant);
  const rows = parseImport(csv, now);
  let added = 0;
  for (const step of store.addBatches(tenant, rows, source)) {
    added = step.added;
    await new Promise((r) => setImmediate(r));
  }
  return { rows: rows.length, added, existing: rows.length - added };
}

export function exportSuppressions(tenants: TenantStore, store: SuppressionStore, tenant: string): { csv: string; rows: number } {
  tenants.require(tenant);
  const list = store.list(tenant);
  return { csv: formatCsv(list), rows: list.length };
}

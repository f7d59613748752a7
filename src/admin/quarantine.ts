/**
 * Quarantine operations shared by the admin and tenant APIs (and the CLI's
 * bulk work, through QuarantineAdmin): list views with recipients and reasons,
 * one held message with its header fields, a text preview and its events,
 * release (back through the scan and the current policy) and delete, one by
 * one or in bulk.
 *
 * Tenants: `tenant` scopes every call to that tenant's messages (another
 * tenant's id answers "no such message"). Whether a tenant may release its
 * own mail is config `quarantine.tenantRelease` (default off: quarantined
 * mail was held because it looked like spam or phishing, and letting the
 * sender release it undoes the filter); tenants may always list, show and
 * delete their own.
 */
import type { MessageId } from '../core/types.js';
import type { Spool } from '../spool/spool.js';
import type { QuarantineAdmin, BulkOp } from '../quarantine/admin.js';
import type { QuarantineFilter, QuarantinedMessage } from '../quarantine/types.js';
import { parseMessage } from '../scan/mime/parse.js';
import { decodeWords } from '../scan/mime/headers.js';
import { htmlToText } from '../scan/mime/html.js';
import { ServiceError } from './errors.js';

export interface QuarantineItem {
  readonly id: string;
  readonly tenant: string;
  readonly from: string;
  readonly rcpts: string[];
  readonly subject: string | null;
  readonly class: string | null;
  readonly score: number | null;
  /** The verdict's reasons, strongest first: "rule: detail". */
  readonly reasons: string[];
  readonly quarantinedAt: string;
  /** When the sweeper expires it (config quarantine.expireAfter). */
  readonly expiresAt: string;
  readonly size: number;
}

export interface QuarantineDeps {
  readonly admin: QuarantineAdmin;
  readonly spool: Spool;
  /** config quarantine.expireAfter (ms). */
  readonly expireAfter: number;
  readonly poolNames: readonly string[];
}

const iso = (ms: number): string => new Date(ms).toISOString();
const PREVIEW_BYTES = 4096;
const MAX_HEADERS = 50;

function items(d: Pick<QuarantineDeps, 'admin' | 'expireAfter'>, rows: readonly QuarantinedMessage[]): QuarantineItem[] {
  const more = d.admin.q.details(rows.map((r) => r.id));
  return rows.map((r) => {
    const x = more.get(r.id);
    return {
      id: r.id, tenant: r.tenantId, from: r.mailFrom, rcpts: x?.rcpts ?? [], subject: r.subject, class: r.cls, score: r.score,
      reasons: (x?.reasons ?? []).slice(0, 20).map((z) => (z.detail ? `${z.rule}: ${z.detail}` : z.rule)),
      quarantinedAt: iso(r.quarantinedAt), expiresAt: iso(r.quarantinedAt + d.expireAfter), size: r.size,
    };
  });
}

/** A page of held messages, oldest quarantined first; `after` is the last row's (quarantinedAt ms, id). */
export function listQuarantine(d: Pick<QuarantineDeps, 'admin' | 'expireAfter'>, f: QuarantineFilter, limit: number, after?: readonly [number, string]): { items: QuarantineItem[]; last: readonly [number, string] | null; more: boolean } {
  const rows = d.admin.list(f, limit + 1, after ? { at: after[0], id: after[1] } : null);
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const lastRow = page[page.length - 1];
  return { items: items(d, page), last: lastRow ? [lastRow.quarantinedAt, lastRow.id] : null, more };
}

/** The held message `id` (of `tenant` when given), or a not-found ServiceError. */
export function held(d: QuarantineDeps, id: string, tenant?: string): QuarantinedMessage {
  const m = d.admin.q.get(id as MessageId);
  if (!m || (tenant !== undefined && m.tenantId !== tenant)) throw new ServiceError(`no message ${id} in quarantine${tenant !== undefined ? ' for this tenant' : ''}`, 'not-found');
  return m;
}

/** One held message: the list view plus its first header fields, a text preview and its events. */
export async function showQuarantined(d: QuarantineDeps, id: string, tenant?: string): Promise<QuarantineItem & { headers: Array<{ name: string; value: string }>; textPreview: string; events: unknown[] }> {
  const m = held(d, id, tenant);
  const [item] = items(d, [m]);
  const raw = await d.spool.readBody(id);
  let headers: Array<{ name: string; value: string }> = [];
  let textPreview = '';
  if (raw) {
    const p = parseMessage(raw.subarray(0, 256 * 1024), { maxText: PREVIEW_BYTES, attachmentHead: 0 });
    headers = p.headers.slice(0, MAX_HEADERS).map((h) => ({ name: h.name, value: decodeWords(h.value).slice(0, 2000) }));
    const text = p.texts.join('\n').trim() || (p.htmls[0] ? htmlToText(p.htmls[0]).text.trim() : '');
    textPreview = Buffer.from(text).subarray(0, PREVIEW_BYTES).toString('utf8').replace(/\uFFFD$/, '');
  }
  const events = (await d.spool.events(id)).map((e) => ({ at: iso(e.at), type: e.type, data: e.data ?? {} }));
  return { ...item!, headers, textPreview, events };
}

/** Releases one held message: back to the processor, which scans it again and routes it by the current policy. */
export function releaseQuarantined(d: QuarantineDeps, id: string, by: string, o: { tenant?: string; pool?: string } = {}): void {
  if (o.pool !== undefined && !d.poolNames.includes(o.pool)) throw new ServiceError(`pool: no pool named "${o.pool}" (pools: ${d.poolNames.join(', ')})`, 'invalid');
  held(d, id, o.tenant);
  if (d.admin.apply([id as MessageId], { op: 'release', by, ...(o.pool !== undefined ? { forcePool: o.pool } : {}) }) === 0) throw new ServiceError(`message ${id} left the quarantine meanwhile`, 'conflict');
}

export function deleteQuarantined(d: QuarantineDeps, id: string, by: string, why: string, tenant?: string): void {
  held(d, id, tenant);
  if (d.admin.apply([id as MessageId], { op: 'delete', by, why }) === 0) throw new ServiceError(`message ${id} left the quarantine meanwhile`, 'conflict');
}

export interface BulkRequest {
  readonly action: 'release' | 'delete';
  readonly ids?: readonly string[];
  readonly filter?: { readonly tenant?: string; readonly class?: QuarantineFilter['cls']; readonly before?: number };
}

/**
 * Releases or deletes the listed ids, or every held message matching the
 * filter (in batches of 500, the event loop free between them). A tenant's
 * call only ever touches its own messages: its ids are checked, its filter
 * is pinned to it.
 */
export async function bulkQuarantine(d: QuarantineDeps, r: BulkRequest, by: string, tenant?: string): Promise<{ action: string; count: number }> {
  if ((r.ids === undefined) === (r.filter === undefined)) throw new ServiceError('give either ids or filter', 'invalid');
  const op: BulkOp = r.action === 'release' ? { op: 'release', by } : { op: 'delete', by, why: `deleted by ${by}` };
  if (r.ids) {
    const ids = tenant === undefined ? r.ids : r.ids.filter((id) => d.admin.q.get(id as MessageId)?.tenantId === tenant);
    return { action: r.action, count: ids.length === 0 ? 0 : d.admin.apply(ids as MessageId[], op) };
  }
  const f = r.filter!;
  if (tenant !== undefined && f.tenant !== undefined && f.tenant !== tenant) throw new ServiceError('filter.tenant: a tenant can only name itself', 'forbidden');
  const t = tenant ?? f.tenant;
  const filter: QuarantineFilter = { ...(t !== undefined ? { tenantId: t } : {}), ...(f.class ? { cls: f.class } : {}), ...(f.before !== undefined ? { before: f.before } : {}) };
  const res = await d.admin.bulkAsync(filter, op);
  return { action: r.action, count: res.done };
}

/**
 * Cursor pagination for list endpoints: `?limit=` (default 50, at most 500)
 * and an opaque `?cursor=` taken from the previous page's `nextCursor`.
 * A cursor is base64url JSON of the last row's sort key; a malformed one is a
 * 400 naming the field. Lists answer `{data: [...], nextCursor: string|null}`.
 */
import { z } from 'zod';
import { HttpError } from './errors.js';

export const MAX_LIMIT = 500;

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(50).describe(`Page size (1-${MAX_LIMIT})`),
  cursor: z.string().max(512).optional().describe('Opaque cursor from the previous page (nextCursor)'),
};

export function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** Decodes a cursor and checks its shape with `schema`; 400 when it is not one of ours. */
export function decodeCursor<T>(cursor: string | undefined, schema: z.ZodType<T>): T | undefined {
  if (cursor === undefined) return undefined;
  try {
    const r = schema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (r.success) return r.data;
  } catch {
    // fall through
  }
  throw new HttpError(400, 'invalid_request', 'query: cursor: not a cursor returned by this endpoint');
}

export interface Page<T> {
  readonly data: readonly T[];
  readonly nextCursor: string | null;
}

/** Builds a page from `limit + 1` fetched rows: the extra row only tells that there is a next page. */
export function pageOf<R, T>(rows: readonly R[], limit: number, key: (r: R) => unknown, view: (r: R) => T): Page<T> {
  const more = rows.length > limit;
  const data = (more ? rows.slice(0, limit) : rows).map(view);
  return { data, nextCursor: more ? encodeCursor(key(rows[limit - 1]!)) : null };
}

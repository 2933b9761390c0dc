import { AppError } from '../errors.js';
import { isUuid } from '../ids.js';

/** A page request after validation. */
export interface PageRequest {
  readonly size: number;
  /** List items after this id (ids are time-ordered). */
  readonly after: string | null;
}

/** Reads `pageSize` and the opaque `pageToken`. */
export function pageRequest(query: { pageSize?: number; pageToken?: string }): PageRequest {
  const size = query.pageSize ?? 50;
  if (query.pageToken === undefined || query.pageToken === '') return { size, after: null };
  let after: unknown;
  try {
    after = (JSON.parse(Buffer.from(query.pageToken, 'base64url').toString('utf8')) as { after?: unknown }).after;
  } catch {
    after = undefined;
  }
  if (typeof after !== 'string' || !isUuid(after)) {
    throw new AppError('INVALID_PAGE_TOKEN', 'pageToken is not one this service gave out', {
      errors: [{ pointer: '/query/pageToken', detail: 'is not valid' }],
    });
  }
  return { size, after };
}

/**
 * Builds `{ items, nextPageToken }` from rows fetched with `limit(size + 1)`: the extra row only
 * tells whether another page exists.
 */
export function toPage<R, T>(
  rows: readonly R[],
  page: PageRequest,
  map: (row: R) => T,
  idOf: (row: R) => string = (row) => (row as { id: string }).id,
): { items: T[]; nextPageToken: string | null } {
  const items = rows.slice(0, page.size);
  const last = items.at(-1);
  const nextPageToken =
    rows.length > page.size && last !== undefined ? Buffer.from(JSON.stringify({ after: idOf(last) })).toString('base64url') : null;
  return { items: items.map(map), nextPageToken };
}

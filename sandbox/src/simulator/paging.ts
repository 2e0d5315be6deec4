import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './defaults';
import { badRequest } from './twilio-errors';

/**
 * Paging of the list endpoints: the opaque PageToken cursors (stable while tasks change status),
 * PageSize and Page, next/previous URLs, and TaskRouter's `meta` block.
 */
export interface Cursor {
  /** Ordinal boundary (exclusive) for ordinal-ordered lists. */
  o?: number;
  /** 'f': continue forward from o; 'b': the page that ends just before o. */
  d?: 'f' | 'b';
  /** Offset for lists sorted by something else. */
  off?: number;
}

export function encodeCursor(prefix: string, cursor: Cursor): string {
  return `${prefix}${Buffer.from(JSON.stringify(cursor)).toString('base64url')}`;
}

export function decodeCursor(prefix: string, token: string | null): Cursor | null {
  if (token === null) return null;
  if (!token.startsWith(prefix)) throw badRequest(`Invalid PageToken '${token}'`);
  try {
    const cursor = JSON.parse(Buffer.from(token.slice(prefix.length), 'base64url').toString('utf8')) as Cursor;
    const validOrdinal =
      typeof cursor.o === 'number' && Number.isInteger(cursor.o) && (cursor.d === 'f' || cursor.d === 'b');
    const validOffset = typeof cursor.off === 'number' && Number.isInteger(cursor.off) && cursor.off >= 0;
    if (!validOrdinal && !validOffset) throw new Error('bad cursor');
    return cursor;
  } catch {
    throw badRequest(`Invalid PageToken '${token}'`);
  }
}

export function pageSizeOf(url: URL): number {
  const raw = url.searchParams.get('PageSize');
  if (raw === null) return DEFAULT_PAGE_SIZE;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_PAGE_SIZE) {
    throw badRequest(`PageSize must be an integer between 1 and ${MAX_PAGE_SIZE}, got '${raw}'`);
  }
  return Number(raw);
}

export function pageNumberOf(url: URL): number {
  const raw = url.searchParams.get('Page');
  if (raw === null) return 0;
  if (!/^\d+$/.test(raw)) throw badRequest(`Page must be a non-negative integer, got '${raw}'`);
  return Number(raw);
}

/** The request's filters, without the paging parameters, to carry into next/previous URLs. */
export function filterParams(url: URL): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of url.searchParams) {
    if (key !== 'PageSize' && key !== 'Page' && key !== 'PageToken') params.append(key, value);
  }
  return params;
}

export function pageUrl(
  base: string,
  path: string,
  filters: URLSearchParams,
  pageSize: number,
  page: number,
  token?: string,
): string {
  const params = new URLSearchParams(filters);
  params.set('PageSize', String(pageSize));
  params.set('Page', String(page));
  if (token) params.set('PageToken', token);
  return `${base}${path}?${params.toString()}`;
}

export interface Page<T> {
  items: T[];
  next: Cursor | null;
  previous: Cursor | null;
}

/**
 * One page over items identified by ordinals, in the given order, from the cursor, keeping those
 * the predicate accepts. Costs O(page) when the predicate accepts most items.
 */
export function ordinalPage<T extends { ordinal: number }>(
  iterate: (forward: boolean, from: number | undefined) => Iterable<number>,
  lookup: (ordinal: number) => T | undefined,
  accept: (item: T) => boolean,
  cursor: Cursor | null,
  pageSize: number,
  page: number,
): Page<T> {
  const backward = cursor?.d === 'b';
  const items: T[] = [];
  let more = false;
  for (const ordinal of iterate(!backward, cursor?.o)) {
    const item = lookup(ordinal);
    if (!item || !accept(item)) continue;
    if (items.length === pageSize) {
      more = true;
      break;
    }
    items.push(item);
  }
  if (backward) items.reverse();
  const first = items[0];
  const last = items[items.length - 1];
  if (backward) {
    return {
      items,
      next: last ? { o: last.ordinal, d: 'f' } : cursor,
      previous: more && first ? { o: first.ordinal, d: 'b' } : null,
    };
  }
  return {
    items,
    next: more && last ? { o: last.ordinal, d: 'f' } : null,
    previous: page > 0 && first ? { o: first.ordinal, d: 'b' } : null,
  };
}

export interface PageMetaInput {
  base: string;
  path: string;
  filters: URLSearchParams;
  pageSize: number;
  page: number;
  /** The PageToken this page was asked with. */
  token: string | undefined;
  /** The list's key in the body (`tasks`, `reservations`). */
  key: string;
  /** Prefix of the cursors this list issues. */
  prefix: string;
}

/** TaskRouter v1's `meta` block of a list page, with next/previous links carrying our cursors. */
export function taskRouterPageMeta(input: PageMetaInput, result: Page<unknown>): Record<string, unknown> {
  const { base, path, filters, pageSize, page, token, key, prefix } = input;
  return {
    first_page_url: pageUrl(base, path, filters, pageSize, 0),
    key,
    next_page_url: result.next
      ? pageUrl(base, path, filters, pageSize, page + 1, encodeCursor(prefix, result.next))
      : null,
    page,
    page_size: pageSize,
    previous_page_url: result.previous
      ? pageUrl(base, path, filters, pageSize, Math.max(0, page - 1), encodeCursor(prefix, result.previous))
      : null,
    url: pageUrl(base, path, filters, pageSize, page, token),
  };
}

export function offsetPage<T>(all: T[], cursor: Cursor | null, pageSize: number, page: number): Page<T> {
  const offset = cursor?.off ?? page * pageSize;
  const items = all.slice(offset, offset + pageSize);
  return {
    items,
    next: offset + pageSize < all.length ? { off: offset + pageSize } : null,
    previous: offset > 0 ? { off: Math.max(0, offset - pageSize) } : null,
  };
}

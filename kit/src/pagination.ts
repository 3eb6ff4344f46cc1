import { badInput } from './errors';

/** Relay-style cursor connections with opaque keyset cursors. */
export interface Connection<T> {
  totalCount?: number;
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** A connection whose totalCount is counted only when a client selects it (the default resolver calls it). */
export type LazyConnection<T> = Omit<Connection<T>, 'totalCount'> & { totalCount: () => Promise<number> };

export const MAX_PAGE_SIZE = 100;

export function pageSize(first: number | null | undefined, fallback = 20): number {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 0 || n > MAX_PAGE_SIZE) {
    throw badInput(`first must be between 0 and ${MAX_PAGE_SIZE}`, 'first');
  }
  return n;
}

export function encodeCursor(parts: unknown[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

export function decodeCursor(cursor: string | null | undefined, arity: number): unknown[] | null {
  if (cursor == null) return null;
  try {
    const parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parts) && parts.length === arity) return parts;
  } catch {
    /* falls through to the error below */
  }
  throw badInput('after is not a cursor this API issued', 'after');
}

/**
 * Builds a connection from rows fetched with LIMIT first+1 (the extra row only tells whether a
 * next page exists).
 */
export function toConnection<T>(rows: T[], first: number, cursorOf: (row: T) => unknown[]): Connection<T> {
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ cursor: encodeCursor(cursorOf(node)), node }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids are UUIDs; anything else cannot name a row, so lookups answer "not found" without asking SQL. */
export const isUuid = (id: unknown): id is string => typeof id === 'string' && UUID.test(id);

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A (createdAt, id) keyset cursor, checked field by field so a forged one never reaches SQL. */
export function decodeKeysetCursor(cursor: string | null | undefined): [string, string] | null {
  const parts = decodeCursor(cursor, 2);
  if (!parts) return null;
  if (typeof parts[0] === 'string' && ISO_INSTANT.test(parts[0]) && isUuid(parts[1])) return [parts[0], parts[1]];
  throw badInput('after is not a cursor this API issued', 'after');
}

import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, isUuid, pageSize, toConnection } from './pagination';

describe('cursor pagination', () => {
  it('round-trips a keyset cursor', () => {
    const c = encodeCursor(['2026-01-01T00:00:00.000Z', 'abc']);
    expect(decodeCursor(c, 2)).toEqual(['2026-01-01T00:00:00.000Z', 'abc']);
  });

  it('refuses a cursor it did not issue with BAD_USER_INPUT', () => {
    for (const bad of ['nope', encodeCursor([1]), Buffer.from('{"a":1}').toString('base64url')]) {
      expect(() => decodeCursor(bad, 2)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }));
    }
  });

  it('caps the page size', () => {
    expect(pageSize(undefined)).toBe(20);
    expect(pageSize(100)).toBe(100);
    expect(() => pageSize(101)).toThrow(/between 0 and 100/);
    expect(() => pageSize(-1)).toThrow();
  });

  it('uses the extra row only to say there is a next page', () => {
    const conn = toConnection([1, 2, 3], 2, (n) => [n]);
    expect(conn.edges.map((e) => e.node)).toEqual([1, 2]);
    expect(conn.pageInfo).toEqual({ hasNextPage: true, endCursor: encodeCursor([2]) });
    expect(toConnection([1], 2, (n) => [n]).pageInfo.hasNextPage).toBe(false);
  });

  it('recognises UUIDs only', () => {
    expect(isUuid('23aad9c1-118b-47e6-ad8c-8f69996b240e')).toBe(true);
    expect(isUuid("1' OR 1=1")).toBe(false);
  });
});

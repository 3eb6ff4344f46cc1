import { describe, expect, it } from 'vitest';
import { boundedMap } from './bounded-map';

describe('boundedMap', () => {
  it('keeps at most max entries and forgets the least recently used first', () => {
    const m = boundedMap<string, number>(2);
    m.set('a', 1);
    m.set('b', 2);
    expect(m.get('a')).toBe(1); // a is now the most recent
    m.set('c', 3);
    expect(m.size).toBe(2);
    expect(m.get('b')).toBeUndefined();
    expect(m.get('a')).toBe(1);
    expect(m.get('c')).toBe(3);
  });

  it('tells onEvict which entry it forgot', () => {
    const evicted: [string, number][] = [];
    const m = boundedMap<string, number>(1, (k, v) => evicted.push([k, v]));
    m.set('a', 1);
    m.set('b', 2);
    expect(evicted).toEqual([['a', 1]]);
  });
});

import { describe, expect, it } from 'vitest';
import { deepMerge as stockDeepMerge } from './internals';
import { deepMerge } from './merge';

/** A small deterministic PRNG, so a failure names a seed that reproduces it. */
function random(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

const KEYS = ['a', 'b', 'id', '__typename', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'list'];

function value(next: () => number, depth: number): unknown {
  const r = next();
  if (depth <= 0 || r < 0.3) return [null, 1, 'x', true, 0, '', undefined][Math.floor(next() * 7)];
  if (r < 0.55) return Array.from({ length: Math.floor(next() * 3) }, () => value(next, depth - 1));
  const obj: Record<string, unknown> = {};
  for (const key of KEYS) if (next() < 0.35) obj[key] = value(next, depth - 1);
  return obj;
}

/** Outcome of a merge: the resulting JSON and own property names, or the error it threw. */
function outcome(merge: (t: any, s: any) => any, target: unknown, source: unknown) {
  try {
    const result = merge(target, source);
    return { json: JSON.stringify(result), own: JSON.stringify(result, (_k, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.getOwnPropertyNames(v).map((n) => [n, v[n]])) : v)) };
  } catch (err) {
    return { error: `${(err as Error).constructor.name}: ${(err as Error).message}` };
  }
}

describe('deepMerge (merge.ts) behaves as @apollo/gateway deepMerge', () => {
  it('on 5,000 random trees, including prototype property names and mismatched shapes', () => {
    for (let seed = 1; seed <= 5000; seed++) {
      const next = random(seed);
      const target = { root: value(next, 4), ...(value(next, 3) as object) };
      const source = { root: value(next, 4), ...(value(next, 3) as object) };
      const a = structuredClone(target);
      const b = structuredClone(target);
      expect(outcome(deepMerge, b, structuredClone(source)), `seed ${seed}`).toEqual(outcome(stockDeepMerge, a, structuredClone(source)));
    }
  });

  it('on null-prototype targets, null and undefined sources', () => {
    for (const source of [null, undefined, { a: 1 }, { constructor: { x: 1 } }]) {
      const a = Object.assign(Object.create(null), { a: { b: 1 } });
      const b = Object.assign(Object.create(null), { a: { b: 1 } });
      expect(outcome(deepMerge, b, source)).toEqual(outcome(stockDeepMerge, a, source));
    }
  });
});

import { describe, expect, it } from 'vitest';
import { groupedByArgs, manyByKey, oneByKey } from './loaders';

describe('DataLoader helpers', () => {
  it('batch keys loaded in the same tick into one fetch and answer in key order', async () => {
    const calls: (readonly string[])[] = [];
    const loader = oneByKey(
      async (keys: readonly string[]) => {
        calls.push(keys);
        return keys.filter((k) => k !== 'missing').map((k) => ({ id: k })).reverse();
      },
      (r) => r.id,
    );
    const got = await Promise.all(['a', 'b', 'missing', 'a'].map((k) => loader.load(k)));
    expect(got).toEqual([{ id: 'a' }, { id: 'b' }, null, { id: 'a' }]);
    expect(calls).toEqual([['a', 'b', 'missing']]);
  });

  it('group many rows per key, with an empty list for none', async () => {
    const loader = manyByKey(async () => [{ k: 'x', n: 1 }, { k: 'x', n: 2 }], (r) => r.k);
    expect(await Promise.all([loader.load('x'), loader.load('y')])).toEqual([[{ k: 'x', n: 1 }, { k: 'x', n: 2 }], []]);
  });

  it('batch per distinct argument set', async () => {
    const calls: string[] = [];
    const loader = groupedByArgs(async (keys: readonly string[], args: { first: number }) => {
      calls.push(`${args.first}:${keys.join(',')}`);
      return new Map(keys.map((k) => [k, `${k}/${args.first}`]));
    });
    const got = await Promise.all([
      loader.load({ key: 'p1', args: { first: 5 } }),
      loader.load({ key: 'p2', args: { first: 5 } }),
      loader.load({ key: 'p1', args: { first: 2 } }),
    ]);
    expect(got).toEqual(['p1/5', 'p2/5', 'p1/2']);
    expect(calls.sort()).toEqual(['2:p1', '5:p1,p2']);
  });
});

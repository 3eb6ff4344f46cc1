import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger';
import { ChangeCache } from './change-cache';

/** A listener driven by the test: `connect()` is the (re)connect call, `notify()` a change, `lose()` a dropped connection. */
function fakeListener() {
  const calls: { onNotify?: (payload?: string) => void; onLost?: () => void } = {};
  const listenFor = ((_url: string, _channel: string, onNotify: (payload?: string) => void, _log: unknown, onLost?: () => void) => {
    calls.onNotify = onNotify;
    calls.onLost = onLost;
    return { close: async () => onLost?.() };
  }) as never;
  return { listenFor, connect: () => calls.onNotify!(), notify: () => calls.onNotify!('changed'), lose: () => calls.onLost!() };
}
const log = createLogger('test', 'silent');

/** A started cache of at most `max` answers whose listener is connected (unless `connected` is false). */
function cacheWith<V>(max: number, connected = true) {
  const l = fakeListener();
  const cache = new ChangeCache<V>('t', max, l.listenFor);
  cache.start('postgres://x', log);
  if (connected) l.connect();
  return { l, cache };
}

function counting() {
  let n = 0;
  return { compute: async () => ++n, get computed() { return n; } };
}

describe('ChangeCache', () => {
  it('computes every call until its listener is connected, then answers a repeat from the cache', async () => {
    const { l, cache } = cacheWith<number>(10, false);
    const c = counting();
    expect(await cache.get('a', c.compute)).toBe(1);
    expect(await cache.get('a', c.compute)).toBe(2);
    l.connect();
    expect(await cache.get('a', c.compute)).toBe(3);
    expect(await cache.get('a', c.compute)).toBe(3);
    expect(await cache.get('b', c.compute)).toBe(4);
  });

  it('forgets every answer on a change notification', async () => {
    const { l, cache } = cacheWith<number>(10);
    const c = counting();
    await cache.get('a', c.compute);
    l.notify();
    expect(await cache.get('a', c.compute)).toBe(2);
    expect(await cache.get('a', c.compute)).toBe(2);
  });

  it('does not keep an answer computed while a change arrived (it may predate the change)', async () => {
    const { l, cache } = cacheWith<string>(10);
    const stale = await cache.get('a', async () => {
      l.notify();
      return 'computed before the change committed';
    });
    expect(stale).toBe('computed before the change committed');
    expect(await cache.get('a', async () => 'fresh')).toBe('fresh');
  });

  it('serves nothing while its listener is lost, and caches again after the reconnect', async () => {
    const { l, cache } = cacheWith<number>(10);
    const c = counting();
    await cache.get('a', c.compute);
    l.lose();
    expect(await cache.get('a', c.compute)).toBe(2);
    expect(await cache.get('a', c.compute)).toBe(3);
    l.connect();
    expect(await cache.get('a', c.compute)).toBe(4);
    expect(await cache.get('a', c.compute)).toBe(4);
  });

  it('keeps at most maxEntries answers; 0 is no cache at all', async () => {
    const { cache } = cacheWith<number>(2);
    const c = counting();
    await cache.get('a', c.compute);
    await cache.get('b', c.compute);
    await cache.get('c', c.compute);
    expect(await cache.get('a', c.compute)).toBe(4);
    const { cache: off } = cacheWith<number>(0, false); // no listener to connect: it never listens
    const d = counting();
    await off.get('a', d.compute);
    await off.get('a', d.compute);
    expect(d.computed).toBe(2);
  });

  it('lets callers asking for the same answer while it is computed share the one computation', async () => {
    const { l, cache } = cacheWith<number>(10);
    let n = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const compute = async () => {
      n++;
      await gate;
      return n;
    };
    const both = Promise.all([cache.get('a', compute), cache.get('a', compute)]);
    release();
    expect(await both).toEqual([1, 1]);
    expect(n).toBe(1);
    // A computation that fails is not shared with the next caller.
    await expect(cache.get('b', async () => { throw new Error('db down'); })).rejects.toThrow('db down');
    expect(await cache.get('b', async () => 7)).toBe(7);
  });
});

import { describe, expect, it } from 'vitest';
import { mapStream, pushIterator, QueueOverflowError } from './push-iterator';

describe('pushIterator', () => {
  it('hands values to a waiting consumer and queues them for a busy one, in order', async () => {
    const it = pushIterator<number>();
    const first = it.next();
    it.push(1);
    it.push(2);
    it.push(3);
    expect(await first).toEqual({ value: 1, done: false });
    expect(await it.next()).toEqual({ value: 2, done: false });
    expect(await it.next()).toEqual({ value: 3, done: false });
  });

  it('delivers what is queued before ending, then reports done', async () => {
    const it = pushIterator<number>();
    it.push(1);
    it.end();
    expect(it.push(2)).toBe(false);
    expect(await it.next()).toEqual({ value: 1, done: false });
    expect(await it.next()).toEqual({ value: undefined, done: true });
  });

  it('ends a consumer that falls too far behind with an overflow error, instead of growing', async () => {
    let closed = 0;
    const it = pushIterator<number>({ maxQueue: 2, onClose: () => closed++ });
    expect(it.push(1)).toBe(true);
    expect(it.push(2)).toBe(true);
    expect(it.push(3)).toBe(false);
    await expect(it.next()).rejects.toBeInstanceOf(QueueOverflowError);
    expect(closed).toBe(1);
  });

  it('runs onClose once when the consumer leaves while waiting, and resolves its pending next', async () => {
    let closed = 0;
    const it = pushIterator<number>({ onClose: () => closed++ });
    const pending = it.next();
    await it.return();
    it.end();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(closed).toBe(1);
  });
});

describe('mapStream', () => {
  it('maps values, skips undefined ones and releases the source at once on return', async () => {
    let released = false;
    const source = pushIterator<number>({ onClose: () => (released = true) });
    const mapped = mapStream(source, (n) => (n % 2 ? undefined : n * 10));
    source.push(1);
    source.push(2);
    expect(await mapped.next()).toEqual({ value: 20, done: false });
    const waiting = mapped.next(); // nothing queued: waits on the source
    await mapped.return();
    expect(released).toBe(true);
    expect(await waiting).toEqual({ value: undefined, done: true });
  });
});

import { describe, expect, it } from 'vitest';
import pino from 'pino';
import type { DeliveredMessage } from './bus';
import { chunk, deliverInLanes, splitIntoLanes } from './lanes';

const log = pino({ level: 'silent' });
const ctx = () => ({ log, signal: new AbortController().signal, group: 'g' });
const msg = (key: string, offset: number): DeliveredMessage => ({ topic: 't', partition: 0, offset: String(offset), key, value: '{}', headers: {} });
// Three aggregates, interleaved the way a topic holds them.
const poll = Array.from({ length: 30 }, (_, i) => msg(`order-${i % 3}`, i));

describe('lanes', () => {
  it('keeps every message of one aggregate in one lane, in order', () => {
    const lanes = splitIntoLanes(poll, 4);
    expect(lanes.flat()).toHaveLength(30);
    for (const key of ['order-0', 'order-1', 'order-2']) {
      const holding = lanes.filter((lane) => lane.some((m) => m.key === key));
      expect(holding).toHaveLength(1);
      const offsets = holding[0]!.filter((m) => m.key === key).map((m) => Number(m.offset));
      expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    }
  });

  it('puts everything in one lane when lanes = 1', () => {
    expect(splitIntoLanes(poll, 1)).toEqual([poll]);
    expect(splitIntoLanes([], 4)).toEqual([]);
  });

  it('cuts a lane into batches of at most maxBatch', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('hands batches over in order per aggregate and retries a failing batch whole', async () => {
    const applied: DeliveredMessage[] = [];
    let failures = 0;
    const ok = await deliverInLanes(
      poll,
      {
        lanes: 4,
        maxBatch: 4,
        handleBatch: async (batch) => {
          expect(batch.length).toBeLessThanOrEqual(4);
          // The first attempt of the batch holding offset 7 fails: nothing of it may count twice.
          if (batch.some((m) => m.offset === '7') && failures++ === 0) throw new Error('deadlock detected');
          applied.push(...batch);
        },
      },
      ctx(),
    );
    expect(ok).toBe(true);
    expect(failures).toBe(2);
    expect(applied.map((m) => m.offset).sort()).toEqual(poll.map((m) => m.offset).sort());
    for (const key of ['order-0', 'order-1', 'order-2']) {
      const offsets = applied.filter((m) => m.key === key).map((m) => Number(m.offset));
      expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    }
  });

  it('handles different aggregates side by side', async () => {
    let inFlight = 0;
    let most = 0;
    const keys = Array.from({ length: 16 }, (_, i) => msg(`order-${i}`, i));
    await deliverInLanes(
      keys,
      {
        lanes: 4,
        maxBatch: 50,
        handleBatch: async () => {
          most = Math.max(most, ++inFlight);
          await new Promise((r) => setTimeout(r, 5));
          inFlight--;
        },
      },
      ctx(),
    );
    expect(most).toBeGreaterThan(1);
  });

  it('reports false (commit nothing) when the subscription closes while a batch keeps failing', async () => {
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 50);
    const ok = await deliverInLanes(poll, { lanes: 2, maxBatch: 10, handleBatch: () => Promise.reject(new Error('down')) }, { log, signal: stop.signal, group: 'g' });
    expect(ok).toBe(false);
  });
});

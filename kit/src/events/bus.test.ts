import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { checkSubscribeOptions, deliverWithRetry, type DeliveredMessage } from './bus';
import { Backoff, Wakeup } from './backoff';

const log = pino({ level: 'silent' });
const message: DeliveredMessage = { topic: 't', partition: 0, offset: '1', key: 'k', value: '{}', headers: {} };

describe('delivery', () => {
  it('retries a failing handler with the same message until it succeeds', async () => {
    const seen: string[] = [];
    let calls = 0;
    const ok = await deliverWithRetry(
      async (m) => {
        seen.push(m.offset);
        if (++calls < 3) throw new Error('not yet');
      },
      message,
      { log, signal: new AbortController().signal, group: 'g' },
    );
    expect(ok).toBe(true);
    expect(seen).toEqual(['1', '1', '1']);
  });

  it('gives the message back (false) when the subscription closes during retries', async () => {
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 50);
    const ok = await deliverWithRetry(async () => Promise.reject(new Error('down')), message, { log, signal: stop.signal, group: 'g' });
    expect(ok).toBe(false);
  });

  it('treats a subscription without a group as broadcast and refuses contradictions', () => {
    expect(checkSubscribeOptions({ topics: ['t'], handler: async () => {} })).toEqual({ broadcast: true });
    expect(checkSubscribeOptions({ groupId: 'g', topics: ['t'], handler: async () => {} })).toEqual({ broadcast: false });
    expect(() => checkSubscribeOptions({ groupId: 'g', broadcast: true, topics: ['t'], handler: async () => {} })).toThrow(/broadcast/);
    expect(() => checkSubscribeOptions({ groupId: 'g', topics: [], handler: async () => {} })).toThrow(/topic/);
  });
});

describe('backoff', () => {
  it('grows exponentially with jitter up to the cap', () => {
    const b = new Backoff(100, 5_000);
    const delays = Array.from({ length: 10 }, () => b.next());
    expect(delays[0]).toBeGreaterThanOrEqual(50);
    expect(delays[0]).toBeLessThanOrEqual(100);
    expect(delays[3]).toBeGreaterThanOrEqual(400);
    for (const d of delays) expect(d).toBeLessThanOrEqual(5_000);
    expect(delays[9]).toBeGreaterThanOrEqual(2_500);
    b.reset();
    expect(b.next()).toBeLessThanOrEqual(100);
  });

  it('does not lose a wake-up that arrives while nobody waits', async () => {
    const w = new Wakeup();
    w.notify();
    const started = Date.now();
    await w.wait(5_000);
    expect(Date.now() - started).toBeLessThan(100);
  });
});

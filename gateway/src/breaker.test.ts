import { describe, expect, it } from 'vitest';
import { guardedFetcher, SubgraphRefusedError } from './breaker';

const opts = { failures: 3, halfOpenAfterMs: 200, maxConcurrent: 2, maxQueued: 1 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('guardedFetcher (circuit breaker + bulkhead per subgraph)', () => {
  it('opens after consecutive failures, fails fast without calling the subgraph, then a half-open probe closes it', async () => {
    let calls = 0;
    let healthy = false;
    const fetcher = guardedFetcher('t1', async () => {
      calls++;
      if (!healthy) throw new TypeError('fetch failed');
      return { status: 200 };
    }, opts);
    for (let i = 0; i < 3; i++) await expect(fetcher()).rejects.toThrow('fetch failed');
    expect(fetcher.state()).toBe(1); // open
    const t0 = performance.now();
    const refused = await fetcher().catch((e) => e);
    expect(refused).toBeInstanceOf(SubgraphRefusedError);
    expect(refused.reason).toBe('circuit');
    expect(performance.now() - t0).toBeLessThan(20);
    expect(calls).toBe(3); // the open circuit sent nothing

    await sleep(250);
    healthy = true;
    expect(await fetcher()).toEqual({ status: 200 }); // the probe
    expect(fetcher.state()).toBe(0); // closed
    expect(calls).toBe(4);
  });

  it('counts HTTP 5xx answers as failures but returns them; a failed probe opens the circuit again', async () => {
    let status = 503;
    let calls = 0;
    const fetcher = guardedFetcher('t2', async () => (calls++, { status }), opts);
    for (let i = 0; i < 3; i++) expect(await fetcher()).toEqual({ status: 503 });
    await expect(fetcher()).rejects.toBeInstanceOf(SubgraphRefusedError);
    await sleep(250);
    expect(await fetcher()).toEqual({ status: 503 }); // probe fails
    await expect(fetcher()).rejects.toMatchObject({ reason: 'circuit' });
    expect(calls).toBe(4);
    status = 200;
    await sleep(250);
    expect(await fetcher()).toEqual({ status: 200 });
    expect(fetcher.state()).toBe(0);
  });

  it('a success between failures keeps it closed (consecutive failures only)', async () => {
    const results = [500, 500, 200, 500, 500, 200];
    const fetcher = guardedFetcher('t3', async () => ({ status: results.shift()! }), opts);
    for (let i = 0; i < 6; i++) await fetcher();
    expect(fetcher.state()).toBe(0);
  });

  it('bounds concurrency: beyond the slots and the queue a request is refused at once, and that does not open the circuit', async () => {
    const release: (() => void)[] = [];
    const fetcher = guardedFetcher('t4', () => new Promise<{ status: number }>((resolve) => release.push(() => resolve({ status: 200 }))), opts);
    const running = [fetcher(), fetcher(), fetcher()]; // 2 executing + 1 queued
    await sleep(5);
    for (let i = 0; i < 4; i++) await expect(fetcher()).rejects.toMatchObject({ reason: 'bulkhead' });
    expect(fetcher.state()).toBe(0);
    while (release.length) {
      release.shift()!();
      await sleep(5);
    }
    expect(await Promise.all(running)).toEqual([{ status: 200 }, { status: 200 }, { status: 200 }]);
  });
});

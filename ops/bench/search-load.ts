import type { demoPlan } from '@cloudlab/kit';
import { prng } from '@cloudlab/kit/demo/random';
import { percentiles } from './stats';

/** What `pnpm bench search` sends and how it measures, shared by the in-process and the gateway mode. */

export type SearchArgs = Record<string, unknown>;
export type Run = (args: SearchArgs) => Promise<{ totalCount: number }>;

/**
 * The query mix, from the demo catalog's own words (the plan the seed used): one word, two words,
 * a typo (two letters swapped), a prefix, a word with price and stock filters sorted by price, and
 * a category page (browse with a filter, newest first). Deterministic: the same queries every run.
 */
export function queryMix(plan: ReturnType<typeof demoPlan>, products: number) {
  const r = prng(11);
  const names = Array.from({ length: 2_000 }, () => plan.product(r.int(0, products - 1)).name.toLowerCase().split(' '));
  const word = () => r.pick(r.pick(names));
  const typo = (w: string) => (w.length < 5 ? w : w.slice(0, 2) + w[3] + w[2] + w.slice(4));
  const category = () => plan.category(r.int(0, plan.categoryCount - 1)).id;
  return [
    { kind: 'one word', args: () => ({ query: word() }) },
    { kind: 'two words', args: () => ({ query: r.pick(names).slice(-2).join(' ') }) },
    { kind: 'typo', args: () => ({ query: typo(r.pick(names).at(-1)!) }) },
    { kind: 'prefix', args: () => ({ query: word().slice(0, 4) }) },
    { kind: 'filters+sort', args: () => ({ query: word(), filter: { minPrice: '20', maxPrice: '200', inStock: true }, sort: 'PRICE_ASC' }) },
    { kind: 'browse+filter', args: () => ({ filter: { categoryIds: [category()] }, sort: 'NEWEST' }) },
  ] as { kind: string; args: () => SearchArgs }[];
}

/**
 * One engine under the mix: latency at a fixed arrival rate (open loop: a slow answer does not
 * delay the next request; latency counts from the scheduled time), then the most queries/s with
 * 50 concurrent callers. Prints a summary line and returns the figures.
 */
export async function measureEngine(name: string, run: Run, mix: ReturnType<typeof queryMix>, opts: { rate: number; seconds: number; closedMs: number }) {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < 30; i++) await run(mix[i % mix.length]!.args()); // warm-up
  const samples: number[] = [];
  const byKind: Record<string, number[]> = {};
  let errors = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: opts.rate * opts.seconds }, async (_, i) => {
    const due = start + (i * 1000) / opts.rate;
    await new Promise((res) => setTimeout(res, Math.max(0, due - performance.now())));
    const m = mix[i % mix.length]!;
    try {
      await run(m.args());
      const ms = performance.now() - due;
      samples.push(ms);
      (byKind[m.kind] ??= []).push(ms);
    } catch (err) {
      if (errors++ === 0) console.error(name, err);
    }
  }));
  out.open_loop = { rate: opts.rate, seconds: opts.seconds, errors, latency_ms: percentiles(samples) };
  out.by_kind_p95_ms = Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, percentiles(v, [95]).p95]));
  let done = 0;
  const until = performance.now() + opts.closedMs;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: 50 }, async (_, c) => {
    for (let i = c; performance.now() < until; i += 50) await run(mix[i % mix.length]!.args()).then(() => done++, () => undefined);
  }));
  out.max_qps_50_callers = Math.round(done / ((performance.now() - t0) / 1000));
  // Every answered query, warm-up included (for CPU per query).
  out.queries = 30 + samples.length + done;
  const l = (out.open_loop as { latency_ms: Record<string, number> }).latency_ms;
  console.log(`${name}: ${opts.rate} q/s for ${opts.seconds} s: p50 ${l.p50} p95 ${l.p95} p99 ${l.p99} ms (errors ${errors}); 50 callers: ${out.max_qps_50_callers} q/s`);
  console.log(`  p95 by kind (ms): ${JSON.stringify(out.by_kind_p95_ms)}`);
  return out;
}

/** Polls `run` until `burst` products are found at `price` (a refused or timed-out search is asked again); ms since `t`. */
export async function untilSearchable(run: Run, price: string, burst: number, t: number, name: string): Promise<number> {
  for (;;) {
    const n = (await run({ filter: { minPrice: price, maxPrice: price }, first: 1 }).catch(() => ({ totalCount: 0 }))).totalCount;
    if (n >= burst) return Math.round(performance.now() - t);
    if (performance.now() - t > 60_000) throw new Error(`${name}: only ${n} of ${burst} updates searchable after 60 s`);
    // Not faster: without query text each poll counts facets over every document.
    await new Promise((res) => setTimeout(res, 100));
  }
}

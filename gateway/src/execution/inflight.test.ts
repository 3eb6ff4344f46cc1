import { IDENTITY_HEADER } from '@cloudlab/kit';
import { describe, expect, it } from 'vitest';
import type { LeanResponse } from './fetcher';
import { dedupingFetcher, isQueryBody } from './inflight';

/** A subgraph that answers after `release()`, echoing what it was asked and who asked it. */
function subgraph() {
  const calls: { body: string; identity?: string }[] = [];
  const waiting: ((() => void) | undefined)[] = [];
  const fetch = (input: string, init: { headers?: Record<string, string>; body?: string } = {}) => {
    const call = { body: init.body!, identity: init.headers?.[IDENTITY_HEADER] };
    calls.push(call);
    return new Promise<LeanResponse>((resolve) =>
      waiting.push(() => {
        const text = JSON.stringify({ data: { who: call.identity ?? null, n: calls.indexOf(call) } });
        resolve({ ok: true, status: 200, statusText: 'OK', url: input, headers: { get: () => 'application/json', has: () => true }, text: async () => text, json: async () => JSON.parse(text) });
      }),
    );
  };
  return {
    fetch,
    calls,
    /** Answers every waiting call, or only call `i`. */
    release: (i?: number) => {
      if (i !== undefined) {
        waiting[i]?.();
        waiting[i] = undefined;
      } else
        waiting.forEach((go, j) => {
          go?.();
          waiting[j] = undefined;
        });
    },
  };
}

const URL_ = 'http://reviews/graphql';
const query = (v = 1) => JSON.stringify({ query: `query Q__reviews__0($v:Int){x(v:$v)}`, variables: { v }, operationName: 'Q__reviews__0' });
const as = (identity?: string) => ({ method: 'POST', headers: { 'content-type': 'application/json', ...(identity ? { [IDENTITY_HEADER]: identity } : {}) } });

describe('dedupingFetcher', () => {
  it('inflight: identical concurrent query fetches of one caller share one request; each caller parses its own copy', async () => {
    const sg = subgraph();
    const f = dedupingFetcher(sg.fetch, 'inflight', 't1');
    const a = f(URL_, { ...as('alice'), body: query() }, {});
    const b = f(URL_, { ...as('alice'), body: query() }, {});
    expect(sg.calls).toHaveLength(1);
    sg.release();
    const [ra, rb] = await Promise.all([a, b]);
    const [ja, jb] = (await Promise.all([ra.json(), rb.json()])) as { data: { who: string } }[];
    expect(ja).toEqual(jb);
    expect(ja).not.toBe(jb); // merged into each request's own result: never the same objects
    expect(ja!.data.who).toBe('alice');
    // Answered: nothing kept, the next one goes out.
    const c = f(URL_, { ...as('alice'), body: query() }, {});
    expect(sg.calls).toHaveLength(2);
    sg.release();
    await c;
  });

  it('never shares between callers: other users, or a user and an anonymous caller, get answers asked for them', async () => {
    const sg = subgraph();
    const f = dedupingFetcher(sg.fetch, 'inflight', 't2');
    const answers = [f(URL_, { ...as('alice'), body: query() }, {}), f(URL_, { ...as('bob'), body: query() }, {}), f(URL_, { ...as(), body: query() }, {}), f(URL_, { ...as(), body: query() }, {})];
    expect(sg.calls.map((c) => c.identity)).toEqual(['alice', 'bob', undefined]);
    sg.release();
    const who = await Promise.all(answers.map(async (a) => ((await (await a).json()) as { data: { who: string | null } }).data.who));
    expect(who).toEqual(['alice', 'bob', null, null]);
  });

  it('different variables or subgraphs are different fetches; mutations are never shared and end sharing of earlier fetches', async () => {
    const sg = subgraph();
    const f = dedupingFetcher(sg.fetch, 'inflight', 't3');
    void f(URL_, { ...as(), body: query(1) }, {});
    void f(URL_, { ...as(), body: query(2) }, {});
    void f('http://other/graphql', { ...as(), body: query(1) }, {});
    expect(sg.calls).toHaveLength(3);
    const mutation = JSON.stringify({ query: 'mutation M__reviews__0{add}', variables: {} });
    const m1 = f(URL_, { ...as('alice'), body: mutation }, {});
    const m2 = f(URL_, { ...as('alice'), body: mutation }, {});
    expect(sg.calls).toHaveLength(5);
    sg.release();
    await Promise.all([m1, m2]);
    // A query still waiting when a mutation is answered is not joined by one sent after it.
    const early = f(URL_, { ...as(), body: query(9) }, {});
    const m3 = f(URL_, { ...as('alice'), body: mutation }, {});
    expect(sg.calls).toHaveLength(7);
    sg.release(6);
    await m3;
    await new Promise((r) => setImmediate(r));
    const late = f(URL_, { ...as(), body: query(9) }, {});
    expect(sg.calls).toHaveLength(8);
    sg.release();
    await Promise.all([early, late]);
  });

  it('request: shares within one request only; off: never', async () => {
    const sg = subgraph();
    const f = dedupingFetcher(sg.fetch, 'request', 't4');
    const r1 = {};
    const r2 = {};
    void f(URL_, { ...as(), body: query() }, r1);
    void f(URL_, { ...as(), body: query() }, r1);
    void f(URL_, { ...as(), body: query() }, r2);
    expect(sg.calls).toHaveLength(2);
    sg.release();
    const off = dedupingFetcher(sg.fetch, 'off', 't5');
    void off(URL_, { ...as(), body: query() }, r1);
    void off(URL_, { ...as(), body: query() }, r1);
    expect(sg.calls).toHaveLength(4);
    sg.release();
  });

  it('recognises the planner\'s query bodies', () => {
    expect(isQueryBody(query())).toBe(true);
    expect(isQueryBody(JSON.stringify({ query: '{products{id}}' }))).toBe(true);
    expect(isQueryBody(JSON.stringify({ query: 'mutation M{x}' }))).toBe(false);
    expect(isQueryBody(JSON.stringify({ query: 'subscription S{x}' }))).toBe(false);
    expect(isQueryBody(undefined)).toBe(false);
  });
});

import { HeaderMap } from '@apollo/server';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@cloudlab/kit';
import { memoryCacheStore } from '../cache-store';
import { cacheKey, idsIn, idsInArguments, responseCache, subgraphFacts } from './response-cache';

const P1 = 'AAAAAAAA-0000-4000-8000-000000000001';
const p1 = P1.toLowerCase();

describe('what a cached response is tagged with', () => {
  it('every id in the data, the variables and the document', () => {
    expect(idsIn({ products: { edges: [{ node: { id: P1, name: 'Lamp', vendor: { id: 'v1' } } }] } })).toEqual(new Set([p1, 'v1']));
    expect(idsIn({ input: { lines: [{ productId: 'p2' }], idempotencyKey: 'k' }, warehouseIds: ['w1'] })).toEqual(new Set(['p2', 'w1']));
    expect(idsInArguments(parse(`{ product(id: "${P1}") { name } }`))).toEqual(new Set([p1]));
    expect(idsInArguments(parse('mutation($p: ID!) { restock(productId: $p) { available } }'), { p: P1 })).toEqual(new Set([p1]));
  });

  it('every entity an entity fetch asked a subgraph for', () => {
    const ctx = {};
    const facts = subgraphFacts();
    facts.fetched(ctx, { representations: [{ __typename: 'Product', id: P1 }] });
    facts.fetched(ctx, { first: 3 });
    facts.answered(ctx, 'max-age=5, public');
    expect([...facts.ids(ctx)]).toEqual([p1]);
    expect(facts.policy(ctx)).toEqual({ maxAge: 5, scope: 'PUBLIC' });
  });
});

describe('the policy the subgraph answers allow', () => {
  const policy = (...headers: (string | null)[]) => {
    const ctx = {};
    const facts = subgraphFacts();
    for (const h of headers) facts.answered(ctx, h);
    return facts.policy(ctx);
  };
  it('is the smallest max-age, private if one answer is', () => {
    expect(policy('max-age=60, public', 'max-age=5, public')).toEqual({ maxAge: 5, scope: 'PUBLIC' });
    expect(policy('max-age=60, public', 'max-age=10, private')).toEqual({ maxAge: 10, scope: 'PRIVATE' });
  });
  it('is nothing when an answer had no hint, said no-store, or there was no answer', () => {
    expect(policy('max-age=60, public', null)).toBeNull();
    expect(policy('max-age=60, public', 'no-store')).toBeNull();
    expect(policy()).toBeNull();
  });
});

describe('the cache key', () => {
  it('does not depend on the order of variables, but on their values and the operation', () => {
    expect(cacheKey('h', 'Q', { a: 1, b: { c: 2, d: 3 } })).toBe(cacheKey('h', 'Q', { b: { d: 3, c: 2 }, a: 1 }));
    expect(cacheKey('h', 'Q', { a: 1 })).not.toBe(cacheKey('h', 'Q', { a: 2 }));
    expect(cacheKey('h', 'Q', {})).not.toBe(cacheKey('h', 'R', {}));
  });
});

/** Runs one request through the plugin's hooks the way Apollo Server calls them. */
async function request(
  plugin: ReturnType<typeof responseCache>,
  opts: { op?: 'query' | 'mutation'; query: string; variables?: Record<string, unknown>; userId?: string; answers: (string | null)[]; data: unknown; errors?: unknown[] },
) {
  const contextValue = { viewer: opts.userId ? { userId: opts.userId, role: 'CUSTOMER', vendorId: null } : null } as never;
  // Apollo's overallCachePolicy as the gateway leaves it: what the subgraph answers allowed.
  const overall: { maxAge?: number; scope?: string } = {};
  const overallCachePolicy = {
    replace: (h: typeof overall) => Object.assign(overall, h),
    restrict: (h: typeof overall) => {
      if (h.maxAge !== undefined) overall.maxAge = Math.min(overall.maxAge ?? Infinity, h.maxAge);
      if (h.scope === 'PRIVATE') overall.scope = 'PRIVATE';
    },
    policyIfCacheable: () => (overall.maxAge ? { maxAge: overall.maxAge, scope: overall.scope ?? 'PUBLIC' } : null),
  };
  const rc = {
    contextValue,
    queryHash: opts.query,
    operationName: null,
    operation: { operation: opts.op ?? 'query' },
    document: parse(opts.query),
    request: { variables: opts.variables ?? {}, http: { headers: new HeaderMap(opts.userId ? [['authorization', 'Bearer x']] : []) } },
    overallCachePolicy,
    response: { http: { headers: new HeaderMap() }, body: { kind: 'single', singleResult: {} as Record<string, unknown> } },
  };
  const listener = (await plugin.requestDidStart!(rc as never))!;
  const cached = await listener.responseForOperation!(rc as never);
  if (cached) {
    for (const [k, v] of cached.http!.headers) rc.response.http.headers.set(k, v);
    rc.response.body = cached.body as never;
  } else {
    for (const a of opts.answers) plugin.observer.answered(contextValue, a);
    const policy = plugin.observer.policy(contextValue);
    if (policy) overallCachePolicy.replace(policy);
    rc.response.body.singleResult = { data: opts.data, ...(opts.errors ? { errors: opts.errors } : {}) };
  }
  await listener.willSendResponse!(rc as never);
  return { headers: rc.response.http.headers, body: rc.response.body, policy: overallCachePolicy.policyIfCacheable() };
}

describe('the response cache', () => {
  const make = () => responseCache({ store: memoryCacheStore(100), maxTtlSeconds: 300, maxEntryBytes: 100_000, log: createLogger('test', 'silent') });
  const query = `{ product(id: "${P1}") { stock { available } } }`;
  const data = { product: { stock: { available: 7 } } };

  it('answers a repeated public query from the cache, with its policy and Age', async () => {
    const cache = make();
    const first = await request(cache, { query, answers: ['max-age=60, public', 'max-age=5, public'], data });
    expect(first.headers.get('x-cache')).toBe('MISS');
    const second = await request(cache, { query, answers: [], data: null });
    expect(second.headers.get('x-cache')).toBe('HIT');
    expect(second.headers.get('age')).toBe('0');
    expect(second.body).toEqual({ kind: 'single', singleResult: { data } });
    expect(second.policy).toEqual({ maxAge: 5, scope: 'PUBLIC' });
    // shared with a signed-in caller too, but never marked public to one
    const signedIn = await request(cache, { query, answers: [], data: null, userId: 'someone' });
    expect(signedIn.headers.get('x-cache')).toBe('HIT');
    expect(signedIn.policy).toEqual({ maxAge: 5, scope: 'PRIVATE' });
  });

  it('keeps private answers per user, and never for anonymous callers', async () => {
    const cache = make();
    const me = { me: { name: 'Ann' } };
    await request(cache, { query: '{ me { name } }', userId: 'ann', answers: ['max-age=10, private'], data: me });
    expect((await request(cache, { query: '{ me { name } }', userId: 'ann', answers: [], data: null })).headers.get('x-cache')).toBe('HIT');
    expect((await request(cache, { query: '{ me { name } }', userId: 'bob', answers: ['max-age=10, private'], data: { me: { name: 'Bob' } } })).headers.get('x-cache')).toBe('MISS');
    await request(cache, { query: '{ me { name } }', answers: ['max-age=10, private'], data: { me: null } });
    expect((await request(cache, { query: '{ me { name } }', answers: ['max-age=10, private'], data: { me: null } })).headers.get('x-cache')).toBe('MISS');
  });

  it('does not store answers with errors or without a policy', async () => {
    const cache = make();
    await request(cache, { query: '{ a }', answers: ['max-age=60, public'], data: { a: null }, errors: [{ message: 'x' }] });
    await request(cache, { query: '{ b }', answers: ['max-age=60, public', null], data: { b: 1 } });
    expect((await request(cache, { query: '{ a }', answers: ['max-age=60, public'], data: { a: 1 } })).headers.get('x-cache')).toBe('MISS');
    expect((await request(cache, { query: '{ b }', answers: ['max-age=60, public'], data: { b: 1 } })).headers.get('x-cache')).toBe('MISS');
  });

  it('forgets a response when an entity it shows changes, by event or by a mutation through the gateway', async () => {
    const cache = make();
    await request(cache, { query, answers: ['max-age=5, public'], data });
    expect(await cache.invalidate([P1], 'StockChanged')).toBe(1);
    expect((await request(cache, { query, answers: ['max-age=5, public'], data })).headers.get('x-cache')).toBe('MISS');
    await request(cache, {
      op: 'mutation',
      query: 'mutation($p: ID!) { restock(productId: $p, warehouseId: "w", quantity: 1) { available } }',
      variables: { p: P1 },
      answers: ['no-store'],
      data: { restock: { available: 8 } },
    });
    expect((await request(cache, { query, answers: ['max-age=5, public'], data })).headers.get('x-cache')).toBe('MISS');
  });
});

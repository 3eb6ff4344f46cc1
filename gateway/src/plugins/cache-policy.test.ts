import { HeaderMap } from '@apollo/server';
import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { cachePolicy } from './cache-policy';

const schema = buildSchema('type Query { order(id: ID!): Order, products: [ID!]! } type Order { id: ID! }');

/** Runs the plugin's hooks on a policy the subgraphs' answers left as `start`, the way Apollo Server calls them. */
async function policyAfter(start: { maxAge?: number; scope?: 'PUBLIC' | 'PRIVATE' }, opts: { op?: string; authorization?: boolean; maxAge?: number } = {}) {
  const policy = { ...start };
  const overallCachePolicy = {
    get maxAge() {
      return policy.maxAge;
    },
    restrict(h: { maxAge?: number; scope?: 'PUBLIC' | 'PRIVATE' }) {
      if (h.maxAge !== undefined) policy.maxAge = Math.min(policy.maxAge ?? Infinity, h.maxAge);
      if (h.scope === 'PRIVATE') policy.scope = 'PRIVATE';
    },
  };
  const rc = {
    schema,
    document: parse('{ order(id: "1") { id } }'),
    queryHash: 'h',
    operationName: null,
    operation: { operation: opts.op ?? 'query' },
    request: { http: { headers: new HeaderMap(opts.authorization ? [['authorization', 'Bearer x']] : []) } },
    overallCachePolicy,
  };
  const listener = await cachePolicy({ maxAge: opts.maxAge ?? 60 }).requestDidStart!(rc as never);
  const execution = await listener!.executionDidStart!(rc as never);
  await execution!.executionDidEnd!();
  return policy;
}

describe('the HTTP cache policy', () => {
  it('takes privacy from the subgraphs’ @cacheControl hints, not from a list of field names', async () => {
    // `order` and `me` were on a hard-coded list; what decides now is what the subgraphs answered.
    expect(await policyAfter({ maxAge: 30, scope: 'PUBLIC' })).toEqual({ maxAge: 30, scope: 'PUBLIC' });
    expect(await policyAfter({ maxAge: 30, scope: 'PRIVATE' })).toEqual({ maxAge: 30, scope: 'PRIVATE' });
  });

  it('makes a request with a token private, anything but a query uncacheable, and caps the max-age', async () => {
    expect(await policyAfter({ maxAge: 30, scope: 'PUBLIC' }, { authorization: true })).toEqual({ maxAge: 30, scope: 'PRIVATE' });
    expect((await policyAfter({ maxAge: 30 }, { op: 'mutation' })).maxAge).toBe(0);
    expect((await policyAfter({ maxAge: 300 }, { maxAge: 60 })).maxAge).toBe(60);
    expect((await policyAfter({})).maxAge).toBeUndefined(); // no hints: stays uncacheable
  });
});

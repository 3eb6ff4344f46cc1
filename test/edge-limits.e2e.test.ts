import { getIntrospectionQuery } from 'graphql';
import { describe, expect, inject, it } from 'vitest';
import { contract, gql, type GraphQLResponse } from './support/client';
import { metricsUrl } from '@cloudlab/kit/metrics-server';

/** Requests the gateway has sent to subgraphs so far, over all subgraphs (its own /metrics). */
async function subgraphRequests(): Promise<number> {
  const text = await (await fetch(metricsUrl(inject('gatewayUrl')))).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('cloudlab_gateway_subgraph_requests_total{'))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

/** Sends a query and reports the response and how many subgraph requests it caused. */
async function send(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse & { subgraphCalls: number }> {
  const before = await subgraphRequests();
  const res = await gql(query, { variables });
  return { ...res, subgraphCalls: (await subgraphRequests()) - before };
}

/** `product { reviews { edges { node { product { … } } } } }`, nested until `levels` deep. */
function nested(levels: number): string {
  let inner = 'id';
  let depth = 2; // product(id) { id }
  while (depth + 4 <= levels) {
    inner = `reviews(first: 1) { edges { node { product { ${inner} } } } }`;
    depth += 4;
  }
  return `{ product(id: "1") { ${inner} } }`;
}

describe('operation limits at the edge', () => {
  it('refuses a query nested 40 levels deep with 400 before any subgraph is called', async () => {
    const res = await send(nested(42));
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'OPERATION_TOO_DEEP', limit: 15, actual: 42 });
    expect(res.body.data).toBeUndefined();
    expect(res.subgraphCalls).toBe(0);
  });

  it('refuses 2,000 aliases with 400 before any subgraph is called', async () => {
    const query = `{ ${Array.from({ length: 2000 }, (_, i) => `p${i}: products(first: 1) { totalCount }`).join(' ')} }`;
    const res = await send(query);
    expect(res.status).toBe(400);
    // Such a document is first over the token limit: the parser stops before building it.
    expect(res.body.errors?.[0]?.extensions?.code).toBe('TOO_MANY_TOKENS');
    expect(res.subgraphCalls).toBe(0);
  });

  it('refuses more aliases than allowed, and more root fields, each with its own code', async () => {
    const aliases = await send(`{ product(id: "1") { ${Array.from({ length: 31 }, (_, i) => `n${i}: name`).join(' ')} } }`);
    expect(aliases.status).toBe(400);
    expect(aliases.body.errors?.[0]?.extensions).toMatchObject({ code: 'TOO_MANY_ALIASES', limit: 30, actual: 31 });
    const roots = await send(`{ ${Array.from({ length: 21 }, (_, i) => `c${i}: categories { id }`).join(' ')} }`);
    expect(roots.status).toBe(400);
    expect(roots.body.errors?.[0]?.extensions?.code).toBe('TOO_MANY_ROOT_FIELDS');
    expect(aliases.subgraphCalls + roots.subgraphCalls).toBe(0);
  });

  it('refuses a query whose estimated cost is over the limit with 400 OPERATION_TOO_COMPLEX', async () => {
    // 100 products × 100 reviews × their authors: 50,301 against a limit of 10,000.
    const query = '{ products(first: 100) { edges { node { reviews(first: 100) { edges { node { id author { name } } } } } } } }';
    const res = await send(query);
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'OPERATION_TOO_COMPLEX', limit: 10_000 });
    expect(res.body.errors?.[0]?.message).toMatch(/cost is estimated at \d+; the limit is 10000/);
    expect(res.subgraphCalls).toBe(0);
  });

  it('counts page sizes given as variables: the same document passes small and is refused large', async () => {
    const query = 'query($n: Int!) { products(first: $n) { edges { node { reviews(first: $n) { edges { node { id } } } } } } }';
    const small = await send(query, { n: 5 });
    expect(small.status).toBe(200);
    expect(small.body.errors).toBeUndefined();
    const large = await send(query, { n: 100 });
    expect(large.status).toBe(400);
    expect(large.body.errors?.[0]?.extensions?.code).toBe('OPERATION_TOO_COMPLEX');
    expect(large.subgraphCalls).toBe(0);
  });

  it('lets a normal storefront page through, also the largest one', async () => {
    for (const first of [12, 100]) {
      const before = await subgraphRequests();
      const res = await gql(contract('storefront'), { operationName: 'StorefrontHome', variables: { first } });
      expect(res.status).toBe(200);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.products.edges).toHaveLength(first);
      expect((await subgraphRequests()) - before).toBeGreaterThan(0);
    }
  });

  it('still answers introspection in development (Apollo Sandbox)', async () => {
    const res = await gql(getIntrospectionQuery());
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.__schema.queryType.name).toBe('Query');
  });

  it('counts refusals by code at /metrics', async () => {
    const text = await (await fetch(metricsUrl(inject('gatewayUrl')))).text();
    expect(text).toMatch(/cloudlab_gateway_operations_rejected_total\{code="OPERATION_TOO_DEEP"\} [1-9]/);
  });
});

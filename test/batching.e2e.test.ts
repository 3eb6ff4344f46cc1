import { describe, expect, inject, it } from 'vitest';
import { contract, counter, gql } from './support/client';
import { SUBGRAPHS } from '@cloudlab/kit/topology';

/** SQL statements each subgraph sends for one StorefrontHome request of the given page size. */
async function statementsFor(first: number): Promise<Record<string, number>> {
  const urls = inject('subgraphUrls');
  const before: Record<string, number> = {};
  for (const [name, url] of Object.entries(urls)) before[name] = await counter(url, 'cloudlab_db_statements_total{source="graphql"}');
  const res = await gql(contract('storefront'), { operationName: 'StorefrontHome', variables: { first } });
  expect(res.body.errors).toBeUndefined();
  expect(res.body.data.products.edges).toHaveLength(first);
  const used: Record<string, number> = {};
  for (const [name, url] of Object.entries(urls)) used[name] = (await counter(url, 'cloudlab_db_statements_total{source="graphql"}')) - before[name]!;
  return used;
}

describe('N+1 protection', () => {
  it('issues the same small number of SQL statements per subgraph for 5 products as for 100', async () => {
    await statementsFor(3); // warm-up: signing keys, JWKS and connection setup are not per request
    const small = await statementsFor(5);
    const large = await statementsFor(100);
    console.log('SQL statements per StorefrontHome request:', JSON.stringify(large));
    expect(large).toEqual(small);
    // catalog: page + count + categories; accounts: vendors; inventory: stock; reviews: ratings.
    // Every other subgraph: none (the storefront asks nothing of them).
    const none = Object.fromEntries(SUBGRAPHS.map(({ name }) => [name, 0]));
    expect(large).toEqual({ ...none, accounts: 1, catalog: 3, inventory: 1, reviews: 1 });
  });
});

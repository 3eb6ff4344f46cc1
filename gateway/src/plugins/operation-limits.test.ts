import { buildSchema, getIntrospectionQuery, getOperationAST, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { limitError, measureOperation, type OperationLimits } from './operation-limits';

const schema = buildSchema(`
  type Query {
    products(first: Int = 20, after: String): ProductConnection!
    product(id: ID!): Product
    tags: [String!]!
    categories: [Category!]!
    search(text: String!): [Product!]!
  }
  type ProductConnection { totalCount: Int! edges: [ProductEdge!]! }
  type ProductEdge { cursor: String! node: Product! }
  type Product { id: ID! name: String! reviews(first: Int, last: Int): ReviewConnection category: Category! }
  type ReviewConnection { edges: [ReviewEdge!]! }
  type ReviewEdge { node: Review! }
  type Review { id: ID! product: Product }
  type Category { id: ID! products(first: Int = 20): ProductConnection! }
`);

const limits: OperationLimits = {
  maxDepth: 15,
  maxAliases: 30,
  maxRootFields: 20,
  maxTokens: 5000,
  maxCost: 10_000,
  defaultListSize: 10,
  maxListSize: 100,
};

const measure = (query: string, variables?: Record<string, unknown>, opts: Partial<OperationLimits> = {}) => {
  const document = parse(query);
  return measureOperation(schema, document, getOperationAST(document)!, variables, { ...limits, ...opts });
};

describe('measuring an operation', () => {
  it('counts each field once at the root', () => {
    expect(measure('{ product(id: 1) { id name } }')).toMatchObject({ depth: 2, aliases: 0, rootFields: 1, cost: 3 });
  });

  it("multiplies a connection's edges by its page size, and counts its totalCount once", () => {
    // products 1 + totalCount 1 + edges 1 + 12 × (cursor 1 + node 1 + id 1 + name 1)
    expect(measure('{ products(first: 12) { totalCount edges { cursor node { id name } } } }').cost).toBe(3 + 12 * 4);
  });

  it('uses the argument default, a variable, or the variable default for the page size', () => {
    const q = 'query($n: Int = 3) { products(first: $n) { edges { cursor } } }';
    expect(measure(q).cost).toBe(2 + 3);
    expect(measure(q, { n: 50 })).toMatchObject({ cost: 2 + 50, costVariables: ['n'] });
    expect(measure('{ products { edges { cursor } } }').cost).toBe(2 + 20);
  });

  it('counts a page larger than the API serves as the largest page', () => {
    expect(measure('{ products(first: 5000) { edges { cursor } } }').cost).toBe(2 + 100);
  });

  it('multiplies a plain list by the default list size, and nested lists multiplicatively', () => {
    expect(measure('{ categories { id } }').cost).toBe(1 + 10);
    expect(measure('{ categories { products(first: 5) { edges { node { id } } } } }').cost).toBe(1 + 10 * (2 + 5 * 2));
    // a paginated field with neither argument nor default counts as the default list size
    expect(measure('{ product(id: 1) { reviews { edges { node { id } } } } }').cost).toBe(3 + 10 * 2);
  });

  it('makes a deeply nested paginated query expensive', () => {
    const q = '{ products(first: 100) { edges { node { reviews(first: 100) { edges { node { id } } } } } } }';
    expect(measure(q).cost).toBeGreaterThan(limits.maxCost);
    expect(limitError(measure(q), limits)?.extensions.code).toBe('OPERATION_TOO_COMPLEX');
  });

  it('applies per-field weights', () => {
    expect(measure('{ search(text: "x") { id } }', {}, { fieldWeights: { 'Query.search': 50 } }).cost).toBe(50 + 10);
  });

  it('follows fragments and inline fragments, counting depth and aliases through them', () => {
    const q = `
      { a: product(id: 1) { ...P } b: product(id: 2) { ... on Product { x: name } } }
      fragment P on Product { category { id } }
    `;
    expect(measure(q)).toMatchObject({ depth: 3, aliases: 3, rootFields: 2, cost: 3 + 2 });
  });

  it('refuses a 40-level query as too deep', () => {
    let q = 'id';
    for (let i = 0; i < 10; i++) q = `reviews(first: 1) { edges { node { product { ${q} } } } }`;
    const m = measure(`{ product(id: 1) { ${q} } }`);
    expect(m.depth).toBe(42);
    expect(limitError(m, limits)).toMatchObject({ extensions: { code: 'OPERATION_TOO_DEEP', limit: 15, actual: 42 } });
  });

  it('refuses too many aliases and too many root fields', () => {
    const aliases = `{ product(id: 1) { ${Array.from({ length: 31 }, (_, i) => `n${i}: name`).join(' ')} } }`;
    expect(limitError(measure(aliases), limits)?.extensions.code).toBe('TOO_MANY_ALIASES');
    const roots = `{ ${Array.from({ length: 21 }, (_, i) => `t${i}: tags`).join(' ')} }`; // distinct response keys
    expect(limitError(measure(roots), limits)?.extensions.code).toBe('TOO_MANY_ROOT_FIELDS');
  });

  it('treats an exponential fragment fan-out as unbounded instead of walking it', () => {
    const frags = Array.from({ length: 30 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join('\n');
    const m = measure(`{ ...F0 }\n${frags}\nfragment F30 on Query { tags }`);
    expect(m.cost).toBe(Infinity);
    expect(limitError(m, limits)?.extensions.code).toBe('OPERATION_TOO_COMPLEX');
  });

  it('lets the introspection query through (Sandbox in development)', () => {
    const m = measure(getIntrospectionQuery());
    expect(limitError(m, limits)).toBeNull();
  });
});

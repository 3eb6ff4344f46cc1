import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { CACHE_CONTROL_SDL, cacheControlHeader, cachePolicyOf, memoizedCachePolicyOf, withCacheControl } from './cache-hints';

// A subgraph in the shape of ours (with the `_entities` field a federation library adds): entity
// types with hints, value types that inherit, one private field.
const schema = buildSchema(`
  ${CACHE_CONTROL_SDL.replace(' @inaccessible', '')}
  scalar _Any
  union _Entity = Product | User
  type Query {
    product(id: ID!): Product
    products: ProductConnection!
    me: User @cacheControl(maxAge: 10, scope: PRIVATE)
    uncached: Note
    _entities(representations: [_Any!]!): [_Entity]!
  }
  type Product @cacheControl(maxAge: 30) { id: ID!, name: String!, stock: Stock, vendor: User }
  type Stock @cacheControl(inheritMaxAge: true) { available: Int! }
  type ProductConnection @cacheControl(maxAge: 60) { nodes: [Product!]! }
  type User @cacheControl(maxAge: 60) { id: ID!, name: String!, email: String @cacheControl(scope: PRIVATE) }
  type Note { text: String }
`);
const entities = (...types: string[]) => ({ r: types.map((t, i) => ({ __typename: t, id: String(i) })) });

// Expected values are the Cache-Control headers Apollo Server 5.5's cache-control plugin sends for
// the same operations over the same SDL (built with @apollo/subgraph), checked side by side.
const cases: [string, string, string, Record<string, unknown>?][] = [
  ['an entity by id takes its type hint', '{ product(id: "p1") { name } }', 'max-age=30, public'],
  ['a value type inherits its parent', '{ product(id: "p1") { stock { available } } }', 'max-age=30, public'],
  ['the smallest maxAge wins', '{ products { nodes { name vendor { name } } } }', 'max-age=30, public'],
  ['a private field makes it private', '{ product(id: "p1") { vendor { email } } }', 'max-age=30, private'],
  ['a field hint overrides its type', '{ me { name } }', 'max-age=10, private'],
  ['a type without a hint is not cacheable', '{ uncached { text } }', 'no-store'],
  ['an entity fetch takes the hint of the type it asks for', 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { name } } }', 'max-age=30, public', entities('Product')],
  ['…of each type it asks for', 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { name } ... on User { name } } }', 'max-age=30, public', entities('Product', 'User')],
  ['…and of what it selects', 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { stock { available } vendor { email } } } }', 'max-age=30, private', entities('Product')],
];

describe('cache hints worked out from the document alone (for mercurius subgraphs)', () => {
  it.each(cases)('as Apollo Server would: %s', (_story, query, header, variables) => {
    expect(cacheControlHeader(cachePolicyOf(schema, parse(query), null, variables))).toBe(header);
  });

  it('pick the named operation of a document with several', () => {
    const doc = parse('query A { uncached { text } } query B { product(id: "p1") { name } }');
    expect(cachePolicyOf(schema, doc, 'B')).toEqual({ maxAge: 30, scope: 'PUBLIC' });
    expect(cachePolicyOf(schema, doc, 'A')).toBeNull();
  });

  it('memoized per document and the entity types asked for', () => {
    const doc = parse('query($representations: [_Any!]!) { _entities(representations: $representations) { __typename } }');
    const of = (...types: string[]) => ({ representations: entities(...types).r });
    const products = memoizedCachePolicyOf(schema, doc, of('Product'));
    expect(products).toEqual({ maxAge: 30, scope: 'PUBLIC' });
    expect(memoizedCachePolicyOf(schema, doc, of('Product', 'Product'))).toBe(products); // the same object: not worked out again
    expect(memoizedCachePolicyOf(schema, doc, of('User'))).toEqual({ maxAge: 60, scope: 'PUBLIC' });
  });
});

describe('the @cacheControl declaration', () => {
  const ROOT = path.join(__dirname, '..', '..', '..');
  const schemas = ['accounts', 'catalog', 'inventory', 'orders', 'payments', 'reviews'].map((name) => ({
    name,
    sdl: readFileSync(path.join(ROOT, 'subgraphs', name, 'src', 'schema.graphql'), 'utf8'),
  }));

  it('is declared once, by the kit: no subgraph schema repeats it', () => {
    expect(schemas.filter((s) => /directive\s+@cacheControl\b/.test(s.sdl)).map((s) => s.name)).toEqual([]);
    expect(schemas.some((s) => /@cacheControl\(/.test(s.sdl))).toBe(true);
  });

  it('is added to a schema that uses the hints, with its enum inaccessible where @inaccessible is imported', () => {
    for (const { sdl } of schemas) {
      const served = withCacheControl(sdl);
      expect(served.includes(CACHE_CONTROL_SDL.replace(' @inaccessible', '')) || served.includes(CACHE_CONTROL_SDL)).toBe(/@cacheControl\(/.test(sdl));
    }
    expect(withCacheControl('extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@inaccessible"]) type Q @cacheControl(maxAge: 1) { a: Int }')).toContain('enum CacheControlScope @inaccessible');
    expect(withCacheControl('type Q @cacheControl(maxAge: 1) { a: Int }')).toContain('enum CacheControlScope {');
  });
});

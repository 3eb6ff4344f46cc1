import { ApolloGateway, LocalGraphQLDataSource, type GraphQLDataSource } from '@apollo/gateway';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { registry } from '@cloudlab/kit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LeanGateway } from './gateway';

/**
 * Differential tests of the lean executor against stock @apollo/gateway, in process: three
 * subgraphs with what Cloud Lab's own schema does not have (interfaces, unions, @requires,
 * @interfaceObject with its rewrites, lists of lists), executed by graphql-js, and a hook that
 * tampers with subgraph answers to produce what stock must cope with (nulls in non-null fields,
 * invalid enum values and __typenames, wrong shapes, short _entities, errors, failures).
 * Every answer must be the same bytes from both gateways.
 */

const products = {
  name: 'products',
  typeDefs: `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
    type Query {
      product(id: ID!): Product
      products: [Product!]!
      maybeProducts: [Product]
      node(id: ID!): Node
      nodes: [Node!]!
      search(term: String!): [SearchResult!]!
      matrix: [[Int!]]!
      medias: [Media!]!
    }
    interface Node { id: ID! }
    type Product implements Node @key(fields: "id") { id: ID! name: String! price: Float weight: Int color: Color category: Category }
    type Category implements Node @key(fields: "id") { id: ID! title: String! }
    union SearchResult = Product | Category
    enum Color { RED GREEN }
    interface Media @key(fields: "id") { id: ID! title: String! }
    type Book implements Media @key(fields: "id") { id: ID! title: String! pages: Int }
    type Movie implements Media @key(fields: "id") { id: ID! title: String! minutes: Int }
  `,
};
const inventory = {
  name: 'inventory',
  typeDefs: `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external", "@requires"])
    type Product @key(fields: "id") { id: ID! weight: Int @external shipping: Float @requires(fields: "weight") stock: Int! }
  `,
};
const ratings = {
  name: 'ratings',
  typeDefs: `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@interfaceObject"])
    type Media @key(fields: "id") @interfaceObject { id: ID! rating: Int }
    type Query { topMedia: [Media!]! }
  `,
};

const PRODUCTS = [
  { id: 'p1', name: 'Anvil', price: 10.5, weight: 40, color: 'RED', category: { id: 'c1' } },
  { id: 'p2', name: 'Bucket', price: null, weight: 2, color: 'GREEN', category: { id: 'c2' } },
  { id: 'p3', name: 'Crate', price: 3, weight: null, color: null, category: null },
];
const CATEGORIES = [
  { id: 'c1', title: 'Tools' },
  { id: 'c2', title: 'Garden' },
];
const MEDIA = [
  { id: 'b1', __typename: 'Book', title: 'Dune', pages: 412 },
  { id: 'm1', __typename: 'Movie', title: 'Alien', minutes: 117 },
  { id: 'b2', __typename: 'Book', title: 'Emma', pages: null },
];
const byId = <T extends { id: string }>(list: T[], id: string) => list.find((x) => x.id === id) ?? null;
const typeOf = (obj: { id: string }) => (obj.id.startsWith('p') ? 'Product' : obj.id.startsWith('c') ? 'Category' : undefined);

const resolvers = {
  products: {
    Query: {
      product: (_: unknown, { id }: { id: string }) => byId(PRODUCTS, id),
      products: () => PRODUCTS,
      maybeProducts: () => [PRODUCTS[0], null, PRODUCTS[2]],
      node: (_: unknown, { id }: { id: string }) => byId(PRODUCTS, id) ?? byId(CATEGORIES, id),
      nodes: () => [PRODUCTS[1], CATEGORIES[0], PRODUCTS[0]],
      search: () => [CATEGORIES[1], PRODUCTS[2], PRODUCTS[0]],
      matrix: () => [[1, 2], [], [3]],
      medias: () => MEDIA,
    },
    Node: { __resolveType: typeOf },
    SearchResult: { __resolveType: typeOf },
    Media: { __resolveType: (m: { __typename: string }) => m.__typename, __resolveReference: (ref: { id: string }) => byId(MEDIA, ref.id) },
    Book: { __resolveReference: (ref: { id: string }) => byId(MEDIA, ref.id) },
    Movie: { __resolveReference: (ref: { id: string }) => byId(MEDIA, ref.id) },
    Product: { __resolveReference: (ref: { id: string }) => byId(PRODUCTS, ref.id), category: (p: { category: { id: string } | null }) => p.category && byId(CATEGORIES, p.category.id) },
    Category: { __resolveReference: (ref: { id: string }) => byId(CATEGORIES, ref.id) },
  },
  inventory: {
    Product: {
      __resolveReference: (ref: { id: string; weight?: number | null }) => ({ id: ref.id, weight: ref.weight }),
      shipping: (p: { weight?: number | null }) => (p.weight == null ? null : p.weight * 0.5),
      stock: (p: { id: string }) => Number(p.id.slice(1)) * 7,
    },
  },
  ratings: {
    Query: { topMedia: () => [{ id: 'm1' }, { id: 'b1' }, { id: 'b2' }] },
    Media: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, rating: ref.id === 'b2' ? null : ref.id.length + 3 }) },
  },
};

type Response = { data?: any; errors?: any[]; extensions?: any };
/** Per test: rewrites a subgraph's answer (after a JSON round trip, as over the network). */
let tamper: Partial<Record<string, (response: Response, request: { query?: string; variables?: any }) => Response | Promise<Response>>> = {};

class Subgraph implements GraphQLDataSource {
  private local: LocalGraphQLDataSource;
  constructor(
    private readonly name: string,
    typeDefs: string,
    res: object,
  ) {
    this.local = new LocalGraphQLDataSource(buildSubgraphSchema({ typeDefs: parse(typeDefs), resolvers: res as never }));
  }
  async process(options: Parameters<GraphQLDataSource['process']>[0]) {
    const answer = JSON.parse(JSON.stringify(await this.local.process(options))) as Response;
    const hook = tamper[this.name];
    return (hook ? await hook(answer, options.request) : answer) as never;
  }
}

async function server(kind: 'stock' | 'lean') {
  const services = [products, inventory, ratings];
  const Gateway = kind === 'lean' ? LeanGateway : ApolloGateway;
  const gateway = new Gateway({
    localServiceList: services.map((s) => ({ name: s.name, typeDefs: parse(s.typeDefs) })),
    buildService: ({ name }) => {
      const def = services.find((s) => s.name === name)!;
      return new Subgraph(name, def.typeDefs, resolvers[name as keyof typeof resolvers]);
    },
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
  const apollo = new ApolloServer({ gateway, includeStacktraceInErrorResponses: false });
  await apollo.start();
  return apollo;
}

async function body(apollo: ApolloServer, query: string, variables?: Record<string, unknown>) {
  const res = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: 'POST', headers: new HeaderMap([['content-type', 'application/json']]), search: '', body: variables ? { query, variables } : { query } },
    context: async () => ({}),
  });
  if (res.body.kind !== 'complete') throw new Error('expected a complete body');
  return `${res.status ?? 200} ${res.body.string}`;
}

async function leanCount() {
  const metric = await registry.getSingleMetric('cloudlab_gateway_executions_total')!.get();
  return metric.values.find((v) => v.labels.path === 'lean')?.value ?? 0;
}

let stock: ApolloServer;
let lean: ApolloServer;

/** The same bytes from both; the second round runs on planned operations (the lean path). */
async function same(query: string, variables?: Record<string, unknown>, opts: { lean?: boolean } = {}) {
  const first = [await body(stock, query, variables), await body(lean, query, variables)];
  expect(first[1]).toBe(first[0]);
  const before = await leanCount();
  const second = [await body(stock, query, variables), await body(lean, query, variables)];
  expect(second[1]).toBe(second[0]);
  expect((await leanCount()) - before).toBe(opts.lean === false ? 0 : 1);
  return JSON.parse(second[0]!.slice(4)) as Response;
}

beforeAll(async () => {
  [stock, lean] = await Promise.all([server('stock'), server('lean')]);
}, 60_000);
afterAll(async () => {
  await Promise.all([stock?.stop(), lean?.stop()]);
});
beforeEach(() => {
  tamper = {};
});

describe('lean executor vs stock @apollo/gateway: well-formed answers', () => {
  it('entities across subgraphs, @requires', async () => {
    const r = await same(`{ products { id name price weight shipping stock color category { id title } } }`);
    expect(r.data.products[0].shipping).toBe(20);
  });

  it('interfaces and unions, with fragments that apply and that do not', async () => {
    await same(`{ nodes { id __typename ... on Product { name shipping stock } ... on Category { title } } }`);
    await same(`{ search(term: "a") { __typename ... on Node { id } ... on Product { name stock } ... on Category { title } } }`);
    await same(`query($id: ID!) { node(id: $id) { id ... on Product { stock name } } }`, { id: 'p3' });
    await same(`query($id: ID!) { node(id: $id) { id ... on Product { stock } } }`, { id: 'nope' });
  });

  it('@interfaceObject: type rewrites in both directions', async () => {
    const r = await same(`{ topMedia { id rating title __typename ... on Book { pages } ... on Movie { minutes } } }`);
    expect(r.data.topMedia[0].__typename).toBe('Movie');
    await same(`{ medias { id title rating ... on Media { __typename } ...B } } fragment B on Book { pages rating }`);
  });

  it('lists of lists, lists with nulls, aliases, named and nested fragments, @skip/@include', async () => {
    await same(`{ matrix m2: matrix }`);
    await same(`{ maybeProducts { id stock shipping } }`);
    const q = `query($a: Boolean!, $b: Boolean = false) {
      x: products { ...P k: id ... on Product @include(if: $a) { stock } }
      nodes { ... on Node { id } ...N @skip(if: $b) }
    }
    fragment P on Product { id name @skip(if: $a) category { ...C } price @include(if: $b) }
    fragment C on Category { t: title id }
    fragment N on Node { __typename ... on Product { shipping } }`;
    for (const variables of [{ a: true }, { a: false }, { a: true, b: true }, { a: false, b: true }]) await same(q, variables);
  });

  it('__typename everywhere, duplicated fields across fragments', async () => {
    await same(`{ __typename t: __typename products { __typename id ... on Product { __typename id name } name category { __typename } } }`);
    await same(`{ nodes { id ...A ...B } } fragment A on Product { name category { id } } fragment B on Product { name category { title } id }`);
  });

  it('introspection goes to the stock executor', async () => {
    await same(`{ __type(name: "Product") { name } products { id } }`, undefined, { lean: false });
  });
});

describe('lean executor vs stock @apollo/gateway: answers stock must cope with', () => {
  const patch = (name: string, fix: (data: any) => void) => {
    tamper[name] = (r) => {
      if (r.data) fix(r.data);
      return r;
    };
  };

  it('null in a non-null field: null propagation and valueCompletion errors', async () => {
    patch('inventory', (d) => d._entities?.[1] && (d._entities[1].stock = null));
    const r = await same(`{ products { id stock } }`);
    expect(r.data).toBeNull();
    expect(r.extensions?.valueCompletion).toBeDefined();
    await same(`{ maybeProducts { id stock } nodes { id ... on Product { stock } } }`);
  });

  it('invalid leaf values and __typenames', async () => {
    patch('products', (d) => {
      if (d.products) {
        d.products[0].color = 'BLUE';
        d.products[1].price = '12';
        d.products[2].name = 7;
      }
      if (d.nodes) d.nodes[0].__typename = 'Ghost';
    });
    await same(`{ products { id name price color } }`);
    await same(`{ nodes { id __typename } }`);
  });

  it('wrong shapes (stock asserts): served by stock shaping', async () => {
    patch('products', (d) => d.products && (d.products = { id: 'p1' }));
    await same(`{ products { id } }`);
    patch('products', (d) => d.matrix && (d.matrix = [1, [2]]));
    await same(`{ matrix }`);
  });

  it('an explicit null for a defaulted @include variable', async () => {
    const r = await same(`query($f: Boolean = true) { products { id name @include(if: $f) } }`, { f: null });
    expect(r.errors?.[0]?.message).toMatch(/must not be null/);
  });

  it('short or missing _entities, subgraph errors with entity paths, failures', async () => {
    tamper.inventory = (r) => ({ ...r, data: { _entities: r.data?._entities?.slice(1) } });
    await same(`{ products { id stock } maybeProducts { id } }`);
    tamper.inventory = () => ({ data: { something: 1 } });
    await same(`{ products { id stock } }`);
    tamper.inventory = (r) => ({
      data: { _entities: r.data?._entities?.map((e: any, i: number) => (i === 1 ? null : e)) },
      errors: [{ message: 'boom', path: ['_entities', 1, 'stock'], extensions: { code: 'BOOM' } }, { message: 'no path' }],
    });
    await same(`{ products { id name stock } }`);
    await same(`{ nodes { id ... on Product { stock } } }`);
    tamper.inventory = () => {
      throw new Error('connection refused');
    };
    await same(`{ products { id stock } maybeProducts { id shipping } }`);
    tamper.products = (r) => ({ ...r, errors: [{ message: 'partial', path: ['products', 0, 'name'] }] });
    await same(`{ products { id name stock } }`);
  });
});

import { ApolloGateway, LocalGraphQLDataSource, type GraphQLDataSource } from '@apollo/gateway';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { incrementalDelivery } from '../plugins/incremental-delivery';
import { acceptsDeferSpec } from './defer';
import { LeanGateway } from './gateway';
import { MULTIPART_ACCEPT as MULTIPART, mergeParts as merge, readParts, type Part } from '../../../test/support/multipart';

/**
 * `@defer` through the lean executor, in process: three subgraphs (products, reviews, accounts);
 * answers in parts (multipart/mixed; deferSpec=20220824) whose merge is the plain answer, which is
 * also what stock @apollo/gateway answers for the operation without its @defers.
 */
const subgraphs = {
  products: {
    typeDefs: `
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
      type Query { product(id: ID!): Product products: [Product!]! }
      type Product @key(fields: "id") { id: ID! name: String! price: Float }
    `,
    resolvers: {
      Query: { product: (_: unknown, { id }: { id: string }) => PRODUCTS.find((p) => p.id === id) ?? null, products: () => PRODUCTS },
      Product: { __resolveReference: (ref: { id: string }) => PRODUCTS.find((p) => p.id === ref.id) },
    },
  },
  reviews: {
    typeDefs: `
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
      type Product @key(fields: "id") { id: ID! reviews: [Review!]! averageRating: Float }
      type Review @key(fields: "id") { id: ID! body: String! author: User! }
      type User @key(fields: "id", resolvable: false) { id: ID! }
    `,
    resolvers: {
      Product: {
        __resolveReference: (ref: { id: string }) => ref,
        reviews: (p: { id: string }) => REVIEWS.filter((r) => r.product === p.id),
        averageRating: (p: { id: string }) => (p.id === 'p1' ? 4.5 : null),
      },
      Review: { __resolveReference: (ref: { id: string }) => REVIEWS.find((r) => r.id === ref.id), author: (r: { author: string }) => ({ id: r.author }) },
    },
  },
  accounts: {
    typeDefs: `
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
      type User @key(fields: "id") { id: ID! name: String! }
    `,
    resolvers: { User: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, name: `User ${ref.id}` }) } },
  },
};
const PRODUCTS = [
  { id: 'p1', name: 'Anvil', price: 10 },
  { id: 'p2', name: 'Bucket', price: 3 },
];
const REVIEWS = [
  { id: 'r1', product: 'p1', body: 'Heavy', author: 'u1' },
  { id: 'r2', product: 'p1', body: 'Solid', author: 'u2' },
  { id: 'r3', product: 'p2', body: 'Leaks', author: 'u1' },
];

/** Per test: makes a subgraph fail or wait. */
let hook: Partial<Record<string, () => Promise<unknown> | unknown>> = {};
const fetched: string[] = [];

class Subgraph implements GraphQLDataSource {
  private local: LocalGraphQLDataSource;
  constructor(private readonly name: keyof typeof subgraphs) {
    const def = subgraphs[name];
    this.local = new LocalGraphQLDataSource(buildSubgraphSchema({ typeDefs: parse(def.typeDefs), resolvers: def.resolvers as never }));
  }
  async process(options: Parameters<GraphQLDataSource['process']>[0]) {
    fetched.push(this.name);
    const override = await hook[this.name]?.();
    return (override ?? JSON.parse(JSON.stringify(await this.local.process(options)))) as never;
  }
}

async function server(kind: 'stock' | 'lean', plugin = true) {
  const Gateway = kind === 'lean' ? LeanGateway : ApolloGateway;
  const gateway = new Gateway({
    localServiceList: Object.entries(subgraphs).map(([name, s]) => ({ name, typeDefs: parse(s.typeDefs) })),
    buildService: ({ name }) => new Subgraph(name as keyof typeof subgraphs),
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
  const apollo = new ApolloServer({
    gateway,
    includeStacktraceInErrorResponses: false,
    plugins: plugin && kind === 'lean' ? [incrementalDelivery({ formatError: (e) => e.toJSON() })] : [],
  });
  await apollo.start();
  return apollo;
}

/** The answer as parts (a single JSON answer is one part), with the content-type and when each part arrived. */
async function request(apollo: ApolloServer, query: string, opts: { variables?: Record<string, unknown>; accept?: string; onPart?: (part: Part) => void } = {}) {
  const headers = new HeaderMap([['content-type', 'application/json']]);
  if (opts.accept) headers.set('accept', opts.accept);
  const res = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: 'POST', headers, search: '', body: { query, variables: opts.variables ?? {} } },
    context: async () => ({}),
  });
  const contentType = res.headers.get('content-type') ?? '';
  const cacheControl = res.headers.get('cache-control');
  if (res.body.kind === 'complete') return { contentType, cacheControl, parts: [JSON.parse(res.body.string) as Part] };
  return { contentType, cacheControl, parts: await readParts(res.body.asyncIterator, opts.onPart) };
}
const withoutDefer = (query: string) => query.replace(/@defer(\([^)]*\))?/g, '');

let lean: ApolloServer;
let plain: ApolloServer;
let stock: ApolloServer;
beforeAll(async () => {
  [lean, plain, stock] = await Promise.all([server('lean'), server('lean', false), server('stock')]);
}, 60_000);
afterAll(async () => {
  await Promise.all([lean?.stop(), plain?.stop(), stock?.stop()]);
});
beforeEach(() => {
  hook = {};
  fetched.length = 0;
});

const PRODUCT_PAGE = `query Page($id: ID!) { product(id: $id) { id name ... @defer(label: "reviews") { averageRating reviews { id body author { id name } } } } }`;

describe('@defer through the lean executor', () => {
  it('answers a product page in parts: the product first, then its reviews; the merge is the plain answer', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let reviewsAsked = false;
    let released = false;
    hook.reviews = async () => {
      reviewsAsked = true;
      await held;
    };
    // Whether the reviews subgraph had answered when each part arrived.
    const arrived: boolean[] = [];
    const pending = request(lean, PRODUCT_PAGE, { variables: { id: 'p1' }, accept: MULTIPART, onPart: () => arrived.push(released) });
    await new Promise((r) => setTimeout(r, 100));
    expect(reviewsAsked).toBe(true);
    released = true;
    release();
    const { contentType, cacheControl, parts } = await pending;
    expect(arrived).toEqual([false, true]);
    expect(contentType).toBe('multipart/mixed; boundary="-"; deferSpec=20220824');
    expect(cacheControl).toBe('no-store');
    expect(parts[0]).toEqual({ data: { product: { id: 'p1', name: 'Anvil' } }, hasNext: true });
    expect(parts.at(-1)!.hasNext).toBe(false);
    expect(parts[1]!.incremental).toEqual([
      {
        path: ['product'],
        label: 'reviews',
        data: { averageRating: 4.5, reviews: [{ id: 'r1', body: 'Heavy', author: { id: 'u1', name: 'User u1' } }, { id: 'r2', body: 'Solid', author: { id: 'u2', name: 'User u2' } }] },
      },
    ]);
    const merged = merge(parts);
    const plainAnswer = (await request(lean, PRODUCT_PAGE, { variables: { id: 'p1' } })).parts[0]!;
    expect(merged.data).toEqual(plainAnswer.data);
    const stockAnswer = (await request(stock, withoutDefer(PRODUCT_PAGE), { variables: { id: 'p1' } })).parts[0]!;
    expect(JSON.stringify(plainAnswer)).toBe(JSON.stringify(stockAnswer));
  });

  it('a client that does not accept multipart, or a server without the plugin, gets the plain answer (stock bytes)', async () => {
    const stockAnswer = (await request(stock, withoutDefer(PRODUCT_PAGE), { variables: { id: 'p2' } })).parts[0]!;
    for (const [apollo, accept] of [
      [lean, 'application/json'],
      [lean, undefined],
      [lean, 'multipart/mixed;deferSpec=20220824;q=0, application/json'],
      [plain, MULTIPART],
    ] as const) {
      for (let round = 0; round < 2; round++) {
        const { contentType, parts } = await request(apollo, PRODUCT_PAGE, { variables: { id: 'p2' }, ...(accept ? { accept } : {}) });
        expect(contentType).toMatch(/^application\/(json|graphql-response\+json)/);
        expect(JSON.stringify(parts[0])).toBe(JSON.stringify(stockAnswer));
      }
    }
  });

  it('unlabeled and nested @defers in lists: one item per element, nested parts after their parent, labels of ours never shown', async () => {
    const query = `{ products { id ... @defer { name reviews { id ... @defer(label: "who") { author { name } } } } } }`;
    const { parts } = await request(lean, query, { accept: MULTIPART });
    expect(parts[0]).toEqual({ data: { products: [{ id: 'p1' }, { id: 'p2' }] }, hasNext: true });
    const items = parts.slice(1).flatMap((p) => p.incremental ?? []);
    const outer = items.filter((i) => i.label === undefined);
    const inner = items.filter((i) => i.label === 'who');
    expect(outer.map((i) => i.path)).toEqual([
      ['products', 0],
      ['products', 1],
    ]);
    expect(inner.map((i) => i.path).sort()).toEqual([
      ['products', 0, 'reviews', 0],
      ['products', 0, 'reviews', 1],
      ['products', 1, 'reviews', 0],
    ]);
    expect(JSON.stringify(parts)).not.toContain('__cl_defer_');
    // Nested parts come after the part of the fragment they are in.
    const firstInner = parts.findIndex((p) => p.incremental?.some((i) => i.label === 'who'));
    const lastOuter = parts.findLastIndex((p) => p.incremental?.some((i) => i.label === undefined));
    expect(firstInner).toBeGreaterThan(lastOuter);
    const plainAnswer = (await request(stock, withoutDefer(query))).parts[0]!;
    expect(merge(parts).data).toEqual(plainAnswer.data);
  });

  it('an error inside a deferred part is reported in that part, with its path; the initial part is whole', async () => {
    hook.accounts = () => ({ data: { _entities: [null, { name: 'Second' }] }, errors: [{ message: 'accounts down', path: ['_entities', 0] }] });
    const { parts } = await request(lean, PRODUCT_PAGE, { variables: { id: 'p1' }, accept: MULTIPART });
    expect(parts[0]).toEqual({ data: { product: { id: 'p1', name: 'Anvil' } }, hasNext: true });
    const items = parts.slice(1).flatMap((p) => p.incremental ?? []);
    const errors = items.flatMap((i) => i.errors ?? []);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatchObject({ message: 'accounts down', path: ['product', 'reviews', 0, 'author'] });
    // The non-null author is missing: the null bubbles (reviews are non-null) past the deferred
    // fragment, so the part's data is null (the product already sent stays, as the 2022-08-24 format has it).
    expect(items).toEqual([expect.objectContaining({ path: ['product'], label: 'reviews', data: null })]);
    const stockAnswer = (await request(stock, withoutDefer(PRODUCT_PAGE), { variables: { id: 'p1' } })).parts[0]!;
    expect(stockAnswer.data).toEqual({ product: null });
    expect(merge(parts).errors.map((e) => [e.message, e.path])).toEqual(stockAnswer.errors!.map((e) => [e.message, e.path]));
  });

  it('a subgraph that fails outright inside a deferred part: the part carries the error, the stream ends', async () => {
    hook.reviews = () => {
      throw new Error('reviews down');
    };
    const { parts } = await request(lean, PRODUCT_PAGE, { variables: { id: 'p1' }, accept: MULTIPART });
    expect(parts[0]).toEqual({ data: { product: { id: 'p1', name: 'Anvil' } }, hasNext: true });
    expect(parts.at(-1)!.hasNext).toBe(false);
    const errors = parts.slice(1).flatMap((p) => p.incremental ?? []).flatMap((i) => i.errors ?? []);
    expect(errors.map((e) => e.message)).toEqual(['reviews down']);
  });

  it('@defer(if: false) is not deferred: one plain answer', async () => {
    const query = `query Q($d: Boolean!) { product(id: "p1") { id ... @defer(if: $d) { reviews { id } } } }`;
    const off = await request(lean, query, { variables: { d: false }, accept: MULTIPART });
    expect(off.parts).toEqual([{ data: { product: { id: 'p1', reviews: [{ id: 'r1' }, { id: 'r2' }] } } }]);
    const on = await request(lean, query, { variables: { d: true }, accept: MULTIPART });
    expect(on.parts.length).toBe(2);
    expect(merge(on.parts).data).toEqual(off.parts[0]!.data);
  });
});

describe('acceptsDeferSpec', () => {
  it('takes deferSpec=20220824 as Apollo Client and Router send it, nothing else', () => {
    expect(acceptsDeferSpec('multipart/mixed;deferSpec=20220824,application/json')).toBe(true);
    expect(acceptsDeferSpec('multipart/mixed; deferSpec="20220824"; q=0.9, application/json')).toBe(true);
    expect(acceptsDeferSpec('multipart/mixed;deferSpec=20220824;q=0')).toBe(false);
    expect(acceptsDeferSpec('multipart/mixed')).toBe(false);
    expect(acceptsDeferSpec('multipart/mixed;incrementalSpec=v0.2,multipart/mixed;deferSpec=20220824')).toBe(false);
    expect(acceptsDeferSpec('application/json')).toBe(false);
    expect(acceptsDeferSpec(undefined)).toBe(false);
  });
});

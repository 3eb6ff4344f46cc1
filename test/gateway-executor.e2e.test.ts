import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { contract, counter, gql, login } from './support/client';
import { startGatewayProcess, type GatewayProcess } from './support/gateway';
import { freePort } from './support/ports';
import { HEAVY_QUERY } from '../ops/bench/queries';

/**
 * The lean executor (gateway/src/execution) must answer exactly as @apollo/gateway does: for each
 * case, the same request goes to Cloud Lab's gateway with GATEWAY_EXECUTOR=lean, the same gateway
 * with GATEWAY_EXECUTOR=apollo (the stock executor and Node's fetch behind the same plugins, identity
 * and data sources) and, for anonymous cases, stock @apollo/gateway itself (ops/bench/stock-gateway.ts).
 * Status, Cache-Control and the JSON text (same values, same key order; stock pretty-prints it,
 * Cloud Lab sends it compact) must be identical. A second pair of gateways has
 * the inventory subgraph pointed at a closed port, for fetch errors and null propagation.
 */
const ROOT = path.join(__dirname, '..');

interface Request {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  token?: string;
  headers?: Record<string, string>;
  get?: boolean;
}
interface Answer {
  status: number;
  cacheControl: string | null;
  body: string;
}

async function send(url: string, req: Request): Promise<Answer> {
  // graphql-response+json: stock Apollo answers request errors 400 whatever the client accepts; Cloud
  // Lab follows GraphQL over HTTP, 400 for this type and 200 for a legacy application/json client.
  const headers: Record<string, string> = { accept: 'application/graphql-response+json', ...(req.token ? { authorization: `Bearer ${req.token}` } : {}), ...req.headers };
  let res: Response;
  if (req.get) {
    const search = new URLSearchParams({ query: req.query, ...(req.variables ? { variables: JSON.stringify(req.variables) } : {}), ...(req.operationName ? { operationName: req.operationName } : {}) });
    res = await fetch(`${url}?${search}`, { headers: { ...headers, 'apollo-require-preflight': 'true' } });
  } else {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: req.query, variables: req.variables ?? {}, ...(req.operationName ? { operationName: req.operationName } : {}) }),
    });
  }
  return { status: res.status, cacheControl: res.headers.get('cache-control'), body: canonical(await res.text()) };
}

/** Stock Apollo Server pretty-prints JSON and Cloud Lab's gateway sends it compact: compared as the same JSON text, key order included. */
function canonical(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}

/** The answers of all targets, identical; retried twice when live data moved between them. */
async function same(urls: string[], req: Request): Promise<Answer> {
  let answers: Answer[] = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    answers = await Promise.all(urls.map((url) => send(url, req)));
    if (answers.every((a) => a.status === answers[0]!.status && a.cacheControl === answers[0]!.cacheControl && a.body === answers[0]!.body)) return answers[0]!;
  }
  for (const a of answers.slice(1)) expect(a).toEqual(answers[0]);
  return answers[0]!;
}

function spawnStock(port: number): ChildProcess {
  const subgraphs = Object.fromEntries(Object.entries(inject('subgraphUrls')).map(([name, url]) => [`SUBGRAPH_${name.toUpperCase()}_URL`, url]));
  return spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'ops', 'bench', 'stock-gateway.ts')], {
    cwd: ROOT,
    // Production: no stack traces in errors (Cloud Lab never sends them).
    env: { PATH: process.env.PATH, NODE_ENV: 'production', APOLLO_TELEMETRY_DISABLED: '1', PORT: String(port), INTERNAL_SECRET: inject('internalSecret'), ...subgraphs },
    stdio: 'ignore',
  });
}

async function untilAnswers(url: string, child: ChildProcess) {
  for (let i = 0; i < 1200; i++) {
    if (child.exitCode !== null) throw new Error(`stock gateway exited with ${child.exitCode}`);
    const ok = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' }).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('stock gateway did not start');
}

describe('lean executor: parity with @apollo/gateway, key for key', () => {
  const settings = { LOG_LEVEL: 'warn', RESPONSE_CACHE_ENABLED: 'false', RATE_LIMIT_ENABLED: 'false' };
  let lean: GatewayProcess, apollo: GatewayProcess, leanDown: GatewayProcess, apolloDown: GatewayProcess;
  let stock: ChildProcess;
  let stockUrl: string;
  let customer: string, vendor: string, admin: string;
  const ids: Record<string, string> = {};
  let leanBefore = 0;

  beforeAll(async () => {
    // A port nothing listens on (not a fetch "bad port" such as 9, which Node's fetch refuses outright).
    const down = { SUBGRAPH_INVENTORY_URL: `http://127.0.0.1:${await freePort()}/graphql` };
    const stockPort = await freePort();
    stockUrl = `http://127.0.0.1:${stockPort}/graphql`;
    stock = spawnStock(stockPort);
    [lean, apollo, leanDown, apolloDown] = await Promise.all([
      startGatewayProcess({ ...settings, GATEWAY_EXECUTOR: 'lean' }),
      startGatewayProcess({ ...settings, GATEWAY_EXECUTOR: 'apollo' }),
      startGatewayProcess({ ...settings, ...down, GATEWAY_EXECUTOR: 'lean' }),
      startGatewayProcess({ ...settings, ...down, GATEWAY_EXECUTOR: 'apollo' }),
    ]);
    await untilAnswers(stockUrl, stock);
    [customer, vendor, admin] = (await Promise.all(['customer@cloudlab.dev', 'vendor@cloudlab.dev', 'admin@cloudlab.dev'].map((e) => login(e)))) as [string, string, string];

    // Ids for the cases, from the shared stack.
    const some = await gql(`{ products(first: 2) { edges { node { id vendor { id } reviews(first: 1) { edges { node { id author { id } } } } } } } }`);
    const first = some.body.data.products.edges[0].node;
    ids.product = first.id;
    ids.product2 = some.body.data.products.edges[1].node.id;
    ids.vendor = first.vendor.id;
    ids.review = first.reviews.edges[0]?.node.id ?? '00000000-0000-0000-0000-000000000000';
    // An order of the customer's (placed through the shared gateway), settled before comparing.
    const placed = await gql(`mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }`, {
      token: customer,
      variables: { input: { lines: [{ productId: ids.product, quantity: 1 }], paymentToken: 'tok_visa', idempotencyKey: `parity-${Date.now()}` } },
    });
    ids.order = placed.body.data?.placeOrder?.id ?? '00000000-0000-0000-0000-000000000000';
    for (let i = 0; i < 150; i++) {
      const status = (await gql(`query($id: ID!) { order(id: $id) { status } }`, { token: customer, variables: { id: ids.order } })).body.data?.order?.status;
      if (status === 'CONFIRMED' || status === 'CANCELLED' || !status) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    leanBefore = await counter(lean.url, 'cloudlab_gateway_executions_total{path="lean"}');
  }, 300_000);

  afterAll(async () => {
    stock?.kill('SIGTERM');
    await Promise.all([lean, apollo, leanDown, apolloDown].map((g) => g?.stop()));
  });

  const all = () => [lean.url, apollo.url, stockUrl];
  const cloudlab = () => [lean.url, apollo.url];
  const broken = () => [leanDown.url, apolloDown.url];
  /** Each case twice: the first plans the operation (stock executor), the second runs the lean path. */
  const check = async (urls: string[], req: Request) => {
    await same(urls, req);
    return same(urls, req);
  };
  const json = (a: Answer) => JSON.parse(a.body) as { data?: any; errors?: { message: string; path?: unknown[]; extensions?: any }[]; extensions?: any };

  describe('contract operations', () => {
    it('StorefrontHome (defaults, a page size, a second page)', async () => {
      const home = contract('storefront');
      const a = await check(all(), { query: home, operationName: 'StorefrontHome' });
      expect(json(a).data.products.edges).toHaveLength(12);
      await check(all(), { query: home, operationName: 'StorefrontHome', variables: { first: 3 } });
      const cursor = json(a).data.products.pageInfo.endCursor;
      await check(all(), { query: home, operationName: 'StorefrontHome', variables: { first: 5, after: cursor } });
    });

    it('ProductPage: a product, and one that does not exist', async () => {
      const a = await check(all(), { query: contract('storefront'), operationName: 'ProductPage', variables: { id: ids.product } });
      expect(json(a).data.product.id).toBe(ids.product);
      const b = await check(all(), { query: contract('storefront'), operationName: 'ProductPage', variables: { id: '00000000-0000-0000-0000-000000000000' } });
      expect(json(b).data.product).toBeNull();
    });

    it('Me with a token, without one, and with a bad one', async () => {
      const a = await check(cloudlab(), { query: contract('accounts'), operationName: 'Me', token: customer });
      expect(json(a).data.me.email).toBe('customer@cloudlab.dev');
      const b = await check(all(), { query: contract('accounts'), operationName: 'Me' });
      expect(json(b).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
      await check(cloudlab(), { query: contract('accounts'), operationName: 'Me', token: 'not-a-jwt' });
    });

    it('Login (everything but the token itself, which differs per call) and a wrong password', async () => {
      const q = `mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { expiresIn user { id name role } } }`;
      const a = await check(all(), { query: q, variables: { email: 'vendor@cloudlab.dev', password: 'cloudlab-demo' } });
      expect(json(a).data.login.user.role).toBe('VENDOR');
      const b = await check(all(), { query: contract('accounts'), operationName: 'Login', variables: { email: 'admin@cloudlab.dev', password: 'guess' } });
      expect(json(b).errors).toBeDefined();
    });

    it('MyOrders as the customer, the vendor and the admin', async () => {
      const a = await check(cloudlab(), { query: contract('commerce'), operationName: 'MyOrders', token: customer });
      expect(json(a).data.me.orders.edges.length).toBeGreaterThan(0);
      await check(cloudlab(), { query: contract('commerce'), operationName: 'MyOrders', token: vendor });
      await check(cloudlab(), { query: contract('commerce'), operationName: 'MyOrders', token: admin });
      await check(all(), { query: contract('commerce'), operationName: 'MyOrders' });
    });

    it('an order with its payment, as its customer, another user and anonymous', async () => {
      const q = `query($id: ID!) { order(id: $id) { id status total { amount currency } customer { id name } lines { quantity unitPrice { amount } product { id name stock { available } } } history { type detail } payment { id status amount { amount } } } }`;
      const a = await check(cloudlab(), { query: q, variables: { id: ids.order }, token: customer });
      expect(json(a).data.order.id).toBe(ids.order);
      await check(cloudlab(), { query: q, variables: { id: ids.order }, token: vendor });
      await check(cloudlab(), { query: q, variables: { id: ids.order }, token: admin });
      await check(all(), { query: q, variables: { id: ids.order } });
    });

    it('a mutation refused: restock anonymously and as the wrong vendor', async () => {
      const q = contract('commerce');
      const a = await check(all(), { query: q, operationName: 'Restock', variables: { productId: ids.product, warehouseId: '00000000-0000-0000-0000-000000000000', quantity: 1 } });
      expect(json(a).errors).toBeDefined();
      await check(cloudlab(), { query: q, operationName: 'Restock', token: customer, variables: { productId: ids.product, warehouseId: '00000000-0000-0000-0000-000000000000', quantity: 1 } });
    });
  });

  describe('execution and shaping', () => {
    it('the heavy 4-subgraph query', async () => {
      const a = await check(all(), { query: HEAVY_QUERY, operationName: 'Heavy' });
      expect(json(a).errors).toBeUndefined();
    });

    it('aliases, including the same field under several names and aliased entity fields', async () => {
      await check(all(), {
        query: `query Aliases($id: ID!) {
          one: product(id: $id) { key: id title: name cost: price { value: amount unit: currency } n1: reviewCount n2: reviewCount }
          two: product(id: $id) { id vendorName: vendor { label: name } qty: stock { left: available } }
          list: products(first: 3) { total: totalCount items: edges { it: node { id nm: name avg: averageRating stk: stock { available } } } }
          constructor: product(id: $id) { toString: name hasOwnProperty: id }
        }`,
        variables: { id: ids.product },
      });
    });

    it('named fragments, nested fragments, inline fragments with and without type conditions', async () => {
      await check(all(), {
        query: `query Frags($id: ID!) {
          ... on Query { product(id: $id) { ...Card } }
          products(first: 3) { edges { node { ...Card ... on Product { sku inStock } ... { createdAt } } } }
          ...Root
        }
        fragment Card on Product { id name ...Money vendor { ...VendorBits } reviews(first: 2) { edges { node { ...ReviewBits } } } }
        fragment Money on Product { price { amount currency } }
        fragment VendorBits on Vendor { id name slug }
        fragment ReviewBits on Review { id rating author { ... on User { id name } } }
        fragment Root on Query { categories { id name } }`,
        variables: { id: ids.product },
      });
    });

    it('overlapping selections of one field through fragments (fields merged into one object)', async () => {
      await check(all(), {
        query: `query Overlap($id: ID!) {
          product(id: $id) {
            id price { amount } ...A ... on Product { price { currency } stock { available } } stock { reserved } id
            reviews(first: 2) { edges { node { id } } } ...B
          }
        }
        fragment A on Product { name price { amount currency } vendor { id } }
        fragment B on Product { reviews(first: 2) { edges { node { rating author { name } } } } vendor { name } }`,
        variables: { id: ids.product },
      });
    });

    it('@include and @skip with variables, literals and defaults, on fields and fragments', async () => {
      const q = `query Flags($a: Boolean!, $b: Boolean = true, $id: ID!) {
        product(id: $id) {
          id
          name @include(if: $a)
          sku @skip(if: $a)
          price @include(if: $b) { amount currency @skip(if: $b) }
          stock @include(if: $a) @skip(if: $b) { available }
          ... on Product @include(if: $a) { averageRating reviewCount }
          ...Extra @skip(if: $a)
          vendor @include(if: true) { name @skip(if: false) slug @skip(if: true) }
          reviews(first: 2) @include(if: $b) { edges { node { rating author @skip(if: $a) { name } } } }
        }
      }
      fragment Extra on Product { description inStock }`;
      for (const variables of [{ a: true }, { a: false }, { a: true, b: false }, { a: false, b: false }, { a: true, b: true }]) {
        await check(all(), { query: q, variables: { ...variables, id: ids.product } });
      }
    });

    it('__typename at the root, nested, aliased, in fragments and on entities of other subgraphs', async () => {
      await check(all(), {
        query: `query Names($id: ID!) {
          __typename
          t: __typename
          product(id: $id) { __typename kind: __typename id stock { __typename available } vendor { __typename name } ... on Product { __typename } ...N }
          products(first: 2) { __typename edges { __typename node { __typename reviews(first: 1) { __typename edges { node { __typename author { __typename t2: __typename } } } } } } }
        }
        fragment N on Product { price { __typename } }`,
        variables: { id: ids.product },
      });
      const only = await check(all(), { query: `{ __typename }` });
      expect(only.body).toBe('{"data":{"__typename":"Query"}}');
      await check(all(), { query: `mutation { __typename }` });
    });

    it('entity fields that fail: anonymous me, unknown ids, a review and a payment nobody may see', async () => {
      const one = async (field: string) => {
        const a = await check(all(), { query: `query Fail($id: ID!) { ${field} products(first: 2) { edges { node { id } } } order(id: $id) { id } }`, variables: { id: ids.order } });
        expect(json(a).data.products.edges).toHaveLength(2);
        return json(a);
      };
      expect((await one('me { id name orders(first: 2) { totalCount } }')).errors?.[0]?.path).toEqual(['me']);
      await one('product(id: "00000000-0000-0000-0000-000000000000") { id name }');
      await one('review(id: "00000000-0000-0000-0000-000000000000") { id author { name } }');
      await one('vendor(id: "nope") { id }');
      expect((await one('payment(id: "00000000-0000-0000-0000-000000000000") { id }')).errors?.[0]?.path).toEqual(['payment']);
    });

    it('errors from parallel fetches (stock lists them in arrival order, so compared sorted)', async () => {
      const req = { query: `{ me { id } payment(id: "00000000-0000-0000-0000-000000000000") { id } products(first: 1) { totalCount } }` };
      await send(lean.url, req);
      const sorted = (a: Answer) => {
        const body = json(a);
        return { ...a, body: JSON.stringify({ ...body, errors: body.errors?.map((e) => JSON.stringify(e)).sort() }) };
      };
      const [l, p, s] = await Promise.all(all().map((url) => send(url, req)));
      expect(sorted(p!)).toEqual(sorted(l!));
      expect(sorted(s!)).toEqual(sorted(l!));
      expect(json(l!).errors).toHaveLength(2);
    });

    it('null propagation from a non-null root field (an argument the subgraph refuses)', async () => {
      const a = await check(all(), { query: `{ products(first: 1000) { totalCount edges { node { id name stock { available } } } } categories { id } }` });
      expect(json(a).data).toBeNull();
      const b = await check(all(), { query: `{ categories { id name products(first: 1000) { totalCount } } }` });
      expect(json(b).errors?.length).toBeGreaterThan(0);
    });

    it('lists: lists of entities from another subgraph inside lists', async () => {
      await check(all(), { query: `{ vendors { id name slug } warehouses { id name } categories { id products(first: 3) { edges { node { id stock { available reserved } reviews(first: 2) { edges { node { author { name } } } } } } } } }` });
    });

    it('variables: invalid values, missing ones, defaults, unused and extra ones', async () => {
      const q = `query V($first: Int = 2, $id: ID!) { products(first: $first) { totalCount } product(id: $id) { id } }`;
      await check(all(), { query: q, variables: { id: ids.product } });
      await check(all(), { query: q, variables: { id: ids.product, first: 'many' } });
      await check(all(), { query: q, variables: {} });
      await check(all(), { query: q, variables: { id: ids.product, first: 1, unused: true } });
      await check(all(), { query: q, variables: { id: ids.product, first: null } });
    });

    it('several operations in one document, chosen by name; GET requests', async () => {
      const doc = `query A { products(first: 1) { edges { node { id name } } } } query B($id: ID!) { product(id: $id) { id stock { available } } }`;
      await check(all(), { query: doc, operationName: 'A' });
      await check(all(), { query: doc, operationName: 'B', variables: { id: ids.product2 } });
      await check(all(), { query: doc, operationName: 'B', variables: { id: ids.product2 }, get: true });
      // Stock Apollo answers 500 INVALID_GRAPHQL; Cloud Lab a client error from its code list.
      const unnamed = await check(cloudlab(), { query: doc });
      expect(unnamed.status).toBe(400);
      expect(json(unnamed).errors?.[0]?.extensions?.code).toBe('OPERATION_RESOLUTION_FAILURE');
    });

    it('introspection, alone and mixed with data (stock executor), and the query plan header', async () => {
      await check(cloudlab(), { query: `{ __schema { queryType { name } } }` });
      await check(cloudlab(), { query: `query Mixed { __typename __type(name: "Money") { name fields { name } } products(first: 1) { totalCount } }` });
      await check(cloudlab(), { query: `{ products(first: 1) { totalCount } }`, headers: { 'apollo-query-plan-experimental': '1' } });
    });
  });

  describe('a subgraph down (inventory on a closed port)', () => {
    it('nullable entity fields from it become null with a named error', async () => {
      const a = await check(broken(), { query: contract('storefront'), operationName: 'StorefrontHome', variables: { first: 4 } });
      expect(json(a).errors?.[0]?.message).toMatch(/Subgraph "inventory" is unavailable/);
      await check(broken(), { query: HEAVY_QUERY, operationName: 'Heavy' });
    });

    it('a non-null field from it nulls its parents up to the next nullable one', async () => {
      const a = await check(broken(), { query: `query($id: ID!) { product(id: $id) { id stock { available reserved } } warehouses { id } }`, variables: { id: ids.product } });
      expect(json(a).errors).toBeDefined();
      await check(broken(), { query: `{ warehouses { id name } }` });
      await check(broken(), { query: `mutation { restock(productId: "x", warehouseId: "y", quantity: 1) { available } }` });
    });
  });

  it('the lean path served the cases (not only the stock fallback)', async () => {
    const leanAfter = await counter(lean.url, 'cloudlab_gateway_executions_total{path="lean"}');
    expect(leanAfter - leanBefore).toBeGreaterThan(40);
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { contract, gql, login } from './support/client';
import { closeDbs, subgraphDb } from './support/db';
import WebSocket from 'ws';
import { liveClient, metric, wsUrl } from './support/live';
import { freePort } from './support/ports';

const ROOT = path.join(__dirname, '..');
const live = contract('live');
const commerce = contract('commerce');
const gatewayBase = () => new URL('/', inject('gatewayUrl')).toString();
const inventoryBase = () => new URL('/', inject('subgraphUrls').inventory).toString();

let vendor: string;
let customer: string;
let admin: string;
/** Products of the vendor's own tenant, with a warehouse that stocks them. */
let own: { productId: string; warehouseId: string; name: string }[];
const clients: { close: () => Promise<void> | void }[] = [];
const track = <T extends { close: () => Promise<void> | void }>(c: T) => (clients.push(c), c);

beforeAll(async () => {
  [vendor, customer, admin] = (await Promise.all(['vendor@cloudlab.dev', 'customer@cloudlab.dev', 'admin@cloudlab.dev'].map((e) => login(e)))) as [string, string, string];
  const me = (await gql('{ me { vendor { id } } }', { token: vendor })).body.data.me;
  const { rows } = await subgraphDb('inventory').query(
    `SELECT DISTINCT ON (product_id) product_id, warehouse_id FROM stock WHERE vendor_id = $1 ORDER BY product_id DESC LIMIT 8`,
    [me.vendor.id],
  );
  own = await Promise.all(
    rows.map(async (r: any) => ({
      productId: r.product_id,
      warehouseId: r.warehouse_id,
      name: (await gql('query($id: ID!) { product(id: $id) { name } }', { variables: { id: r.product_id } })).body.data.product.name,
    })),
  );
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await closeDbs();
});

const restock = async (p: { productId: string; warehouseId: string }, quantity = 1) => {
  const res = await gql(commerce, { operationName: 'Restock', token: vendor, variables: { ...p, quantity } });
  expect(res.body.errors).toBeUndefined();
  return res.body.data.restock.available as number;
};

/** Waits until `base`'s subgraph holds `n` more listening subscriptions than before: from then on, events reach them. */
const listening = (base: string, atLeast: number) => expect.poll(() => metric(base, 'cloudlab_subgraph_subscriptions'), { timeout: 5_000 }).toBeGreaterThanOrEqual(atLeast);

async function placeOrder(token: string, paymentToken: string) {
  const input = { lines: [{ productId: own[own.length - 1]!.productId, quantity: 1 }], paymentToken, idempotencyKey: randomUUID() };
  const res = await gql(commerce, { operationName: 'PlaceOrder', token, variables: { input } });
  expect(res.body.errors).toBeUndefined();
  return res.body.data.placeOrder.id as string;
}

describe('stockChanged over graphql-ws', () => {
  it('brings a restock by vendor staff to a subscriber within 1 s, with the product name from catalog', async () => {
    const p = own[0]!;
    const before = await metric(inventoryBase(), 'cloudlab_subgraph_subscriptions');
    const stream = track(liveClient()).subscribe(live, { productIds: [p.productId] }, 'StockChanged');
    await listening(inventoryBase(), before + 1);

    const sent = performance.now();
    const available = await restock(p, 5);
    const message = await stream.until((m) => m.data?.stockChanged?.available === available, 1_000);
    expect(message.at - sent).toBeLessThan(1_000);
    expect(message.errors).toBeUndefined();
    expect(message.data.stockChanged).toEqual({ productId: p.productId, available, product: { name: p.name } });
  });

  it('sends only the products asked for', async () => {
    const [followed, other] = [own[1]!, own[2]!];
    const before = await metric(inventoryBase(), 'cloudlab_subgraph_subscriptions');
    const stream = track(liveClient()).subscribe(live, { productIds: [followed.productId] }, 'StockChanged');
    await listening(inventoryBase(), before + 1);
    await restock(other);
    const available = await restock(followed);
    await stream.until((m) => m.data?.stockChanged?.available === available);
    expect(stream.messages.map((m) => m.data.stockChanged.productId)).toEqual([followed.productId]);
  });

  it('releases the upstream subscription when the client disconnects', async () => {
    const gauge = () => metric(gatewayBase(), 'cloudlab_gateway_upstream_subscriptions', { subgraph: 'inventory' });
    const before = { gateway: await gauge(), inventory: await metric(inventoryBase(), 'cloudlab_subgraph_subscriptions') };
    const client = liveClient();
    // Different variables: two upstream subscriptions, not one shared.
    client.subscribe(live, { productIds: [own[3]!.productId] }, 'StockChanged');
    client.subscribe(live, { productIds: [own[4]!.productId] }, 'StockChanged');
    await expect.poll(gauge).toBe(before.gateway + 2);
    await listening(inventoryBase(), before.inventory + 2);

    await client.close();
    await expect.poll(gauge, { timeout: 3_000 }).toBe(before.gateway);
    await expect.poll(() => metric(inventoryBase(), 'cloudlab_subgraph_subscriptions'), { timeout: 3_000 }).toBe(before.inventory);
  });

  it('shares one upstream subscription between identical subscriptions and delivers the event to each', async () => {
    const gauge = () => metric(gatewayBase(), 'cloudlab_gateway_upstream_subscriptions', { subgraph: 'inventory' });
    const before = await gauge();
    const listeners = await metric(inventoryBase(), 'cloudlab_subgraph_subscriptions');
    const p = own[5]!;
    const streams = Array.from({ length: 5 }, () => track(liveClient()).subscribe(live, { productIds: [p.productId] }, 'StockChanged'));
    await expect.poll(() => metric(gatewayBase(), 'cloudlab_gateway_subscriptions', { subgraph: 'inventory' })).toBeGreaterThanOrEqual(5);
    expect(await gauge()).toBe(before + 1);
    await listening(inventoryBase(), listeners + 1);
    expect(await metric(inventoryBase(), 'cloudlab_subgraph_subscriptions')).toBe(listeners + 1);
    const available = await restock(p);
    for (const s of streams) expect((await s.until((m) => m.data?.stockChanged?.available === available)).data.stockChanged.product.name).toBe(p.name);
  });
});

describe('orderStatusChanged over graphql-ws', () => {
  const follow = (token: string, orderId: string) => track(liveClient({ token })).subscribe(live, { orderId }, 'OrderStatus');
  const statuses = (s: ReturnType<typeof follow>) => s.messages.map((m) => m.data?.orderStatusChanged?.status);
  const ORDER = ['PENDING', 'STOCK_RESERVED', 'CONFIRMED', 'CANCELLED'];

  it('shows a tok_visa order’s transitions in order, ending in CONFIRMED', async () => {
    const orderId = await placeOrder(customer, 'tok_visa');
    const stream = follow(customer, orderId);
    await stream.until((m) => m.data?.orderStatusChanged?.status === 'CONFIRMED', 15_000);
    const seen = statuses(stream);
    expect(seen.at(-1)).toBe('CONFIRMED');
    // The first message is the order as it was on subscribing; then every later status once, in order.
    expect(seen).toEqual([...seen].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b)));
    expect(new Set(seen).size).toBe(seen.length);
    expect(stream.messages.every((m) => m.data.orderStatusChanged.id === orderId && !m.errors)).toBe(true);
    const history = (await gql('query($id: ID!) { order(id: $id) { history { type } } }', { token: customer, variables: { id: orderId } })).body.data.order.history;
    expect(history.map((e: any) => e.type)).toEqual(['OrderPlaced', 'StockReserved', 'PaymentAuthorized', 'OrderConfirmed']);
  });

  it('ends a tok_declined order’s stream with CANCELLED', async () => {
    const orderId = await placeOrder(customer, 'tok_declined');
    const stream = follow(customer, orderId);
    await stream.end(15_000);
    expect(stream.ended?.error).toBeUndefined();
    const seen = statuses(stream);
    expect(seen.at(-1)).toBe('CANCELLED');
    expect(seen).toEqual([...seen].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b)));
  });

  it('lets admins follow any order', async () => {
    const orderId = await placeOrder(customer, 'tok_visa');
    const stream = follow(admin, orderId);
    await stream.until((m) => m.data?.orderStatusChanged?.status === 'CONFIRMED', 15_000);
  });

  it('gives FORBIDDEN to a customer following someone else’s order, and UNAUTHENTICATED to nobody', async () => {
    const orderId = await placeOrder(admin, 'tok_visa');
    const stream = follow(customer, orderId);
    await stream.end();
    expect(stream.messages).toHaveLength(1);
    expect(stream.messages[0]!.data).toBeNull();
    expect(stream.messages[0]!.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const anonymous = track(liveClient()).subscribe(live, { orderId }, 'OrderStatus');
    await anonymous.end();
    expect(anonymous.messages[0]!.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('the graphql-ws connection', () => {
  it('is closed with 4403 Forbidden for a token that does not verify', async () => {
    const [header, payload] = customer.split('.');
    const client = track(liveClient({ token: `${header}.${payload}.${randomBytes(64).toString('base64url')}` }));
    const stream = client.subscribe(live, { productIds: [own[0]!.productId] }, 'StockChanged');
    await stream.end();
    expect(client.closes[0]).toEqual({ code: 4403, reason: 'Forbidden: Invalid token' });
  });

  it('refuses invalid operations with the same codes as HTTP and keeps serving the connection', async () => {
    const client = track(liveClient());
    const bad = client.subscribe('subscription { stockChanged(productIds: ["x"]) { nope } }');
    await bad.end();
    expect((bad.ended?.error as any[])[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const tooMany = client.subscribe(live, { productIds: Array.from({ length: 101 }, () => randomUUID()) }, 'StockChanged');
    await tooMany.end();
    expect(tooMany.messages[0]!.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const query = client.subscribe('{ warehouses { id } }');
    await query.end();
    expect(query.messages[0]!.data.warehouses.length).toBeGreaterThan(0);
  });

  it('keeps HTTP, /readyz and /metrics as they were', async () => {
    expect((await fetch(new URL('/readyz', inject('gatewayUrl')))).status).toBe(200);
    expect((await gql('{ warehouses { id } }')).body.errors).toBeUndefined();
    expect(await metric(gatewayBase(), 'cloudlab_gateway_ws_connections')).toBeGreaterThan(0);
  });
});

describe('two gateways in front of two inventory instances', () => {
  const children: ChildProcess[] = [];
  let second: { gateway: string; inventory: string };

  const start = async (name: string, entry: string, env: NodeJS.ProcessEnv, port: number) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, APOLLO_TELEMETRY_DISABLED: '1', OTEL_SDK_DISABLED: 'true', LOG_LEVEL: 'warn', PORT: String(port), ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    for (let i = 0; i < 600; i++) {
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
      if (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false)) return `http://127.0.0.1:${port}/`;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${name} did not start`);
  };

  beforeAll(async () => {
    const kafka = process.env.KAFKA_BROKERS ?? '';
    const inventory = await start('inventory #2', path.join(ROOT, 'subgraphs', 'inventory', 'src', 'server.ts'), {
      DATABASE_URL: inject('databaseUrl'),
      DB_PREFIX: inject('dbPrefix'),
      // The stack's secret: subgraphs answer only a gateway holding it.
      INTERNAL_SECRET: inject('internalSecret'),
      SEED_ON_EMPTY: 'false',
      KAFKA_BROKERS: kafka,
      KAFKA_NAMESPACE: kafka ? inject('dbPrefix') : '',
    }, await freePort());
    const urls = { ...inject('subgraphUrls'), inventory: new URL('/graphql', inventory).toString() };
    const gateway = await start('gateway #2', path.join(ROOT, 'gateway', 'src', 'main.ts'), {
      ...Object.fromEntries(Object.entries(urls).map(([name, url]) => [`SUBGRAPH_${name.toUpperCase()}_URL`, url])),
      SUBSCRIPTIONS_MAX_PER_CONNECTION: '3',
      INTERNAL_SECRET: inject('internalSecret'),
    }, await freePort());
    second = { gateway: new URL('/graphql', gateway).toString(), inventory };
  }, 120_000);

  afterAll(async () => {
    await Promise.all(children.map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : (c.once('exit', resolve), c.kill('SIGTERM'))))));
  });

  it('delivers a restock to a subscriber on each gateway', async () => {
    const p = own[6]!;
    const before = await metric(inventoryBase(), 'cloudlab_subgraph_subscriptions');
    const first = track(liveClient()).subscribe(live, { productIds: [p.productId] }, 'StockChanged');
    const other = track(liveClient({ url: second.gateway })).subscribe(live, { productIds: [p.productId] }, 'StockChanged');
    await listening(inventoryBase(), before + 1);
    await listening(second.inventory, 1);

    const sent = performance.now();
    const available = await restock(p, 2);
    for (const stream of [first, other]) {
      const m = await stream.until((x) => x.data?.stockChanged?.available === available, 1_000);
      expect(m.at - sent).toBeLessThan(1_000);
      expect(m.data.stockChanged.product).toEqual({ name: p.name });
    }
  });

  it('caps subscriptions per connection (SUBSCRIPTIONS_MAX_PER_CONNECTION=3 there)', async () => {
    const client = track(liveClient({ url: second.gateway }));
    const streams = own.slice(0, 4).map((p) => client.subscribe(live, { productIds: [p.productId] }, 'StockChanged'));
    await expect.poll(() => streams.filter((s) => s.ended).length).toBe(1);
    const refused = streams.find((s) => s.ended)!;
    expect((refused.ended?.error as any[])[0].extensions.code).toBe('RATE_LIMITED');
    await new Promise((r) => setTimeout(r, 200));
    expect(streams.filter((s) => s.ended)).toHaveLength(1);
  });
});

describe('the HTTP edge over graphql-ws (a gateway with strict limits)', () => {
  // The demo keys of gateway/api-keys.json (documented in the README; demo only).
  const PARTNER_KEY = 'clk_demo_partner_000000000000000'; // manifest-only
  const manifest: { operations: { id: string; name: string }[] } = JSON.parse(
    readFileSync(path.join(ROOT, 'clients', 'persisted-query-manifest.json'), 'utf8'),
  );
  const stockChangedId = manifest.operations.find((o) => o.name === 'StockChanged')!.id;
  let child: ChildProcess | undefined;
  let strict: string;

  beforeAll(async () => {
    const port = await freePort();
    child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'gateway', 'src', 'main.ts')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        APOLLO_TELEMETRY_DISABLED: '1',
        OTEL_SDK_DISABLED: 'true',
        LOG_LEVEL: 'warn',
        PORT: String(port),
        ...Object.fromEntries(Object.entries(inject('subgraphUrls')).map(([name, url]) => [`SUBGRAPH_${name.toUpperCase()}_URL`, url])),
        INTERNAL_SECRET: inject('internalSecret'),
        OPERATION_MAX_DEPTH: '3',
        RATE_LIMIT_ANON_PER_MIN: '4',
        SUBSCRIPTIONS_MAX_CONNECTIONS_PER_IP: '3',
        SUBSCRIPTIONS_CONNECTS_PER_IP_PER_MIN: '30',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    for (let i = 0; i < 600 && !(await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false)); i++) {
      if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    strict = `http://127.0.0.1:${port}/graphql`;
  }, 120_000);

  afterAll(async () => {
    if (child && child.exitCode === null) await new Promise((resolve) => (child!.once('exit', resolve), child!.kill('SIGTERM')));
  });

  const errorOf = (stream: { ended?: { error?: unknown }; messages: { errors?: any[] }[] }) =>
    (stream.ended?.error as any[] | undefined)?.[0] ?? stream.messages[0]?.errors?.[0];

  it('refuses an ad-hoc subscription from a manifest-only API key (connectionParams x-api-key)', async () => {
    const stream = track(liveClient({ url: strict, params: { 'x-api-key': PARTNER_KEY } })).subscribe(live, { productIds: [own[0]!.productId] }, 'StockChanged');
    await stream.end();
    expect(errorOf(stream).extensions.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
  });

  it('serves a manifest id over graphql-ws to that key, as extensions.persistedQuery or documentId', async () => {
    const p = own[3]!;
    const client = track(liveClient({ url: strict, params: { 'x-api-key': PARTNER_KEY } }));
    const byHash: any[] = [];
    const byDocumentId: any[] = [];
    const sink = (into: any[]) => ({ next: (m: unknown) => void into.push(m), error: (e: unknown) => void into.push({ error: e }), complete: () => undefined });
    const stops = [
      client.client.subscribe({ query: '', variables: { productIds: [p.productId] }, extensions: { persistedQuery: { version: 1, sha256Hash: stockChangedId } } }, sink(byHash)),
      client.client.subscribe({ query: '', documentId: stockChangedId, variables: { productIds: [p.productId] } } as never, sink(byDocumentId)),
    ];
    try {
      // Restock until the event arrives on both: the subscriptions may open just after a restock.
      const expected = { data: { stockChanged: { productId: p.productId, product: { name: p.name } } } };
      const arrived = (seen: any[]) => seen.find((m) => m.data?.stockChanged?.productId === p.productId || m.error);
      await expect.poll(async () => (await restock(p, 1), [arrived(byHash), arrived(byDocumentId)]), { timeout: 10_000, interval: 500 }).toMatchObject([expected, expected]);
    } finally {
      for (const stop of stops) stop();
    }
  });

  it('refuses a subscription over the depth limit (OPERATION_MAX_DEPTH=3 there)', async () => {
    const stream = track(liveClient({ url: strict })).subscribe(
      'subscription Deep($ids: [ID!]!) { stockChanged(productIds: $ids) { product { vendor { name } } } }',
      { ids: [own[0]!.productId] },
    );
    await stream.end();
    expect(errorOf(stream).extensions).toMatchObject({ code: 'OPERATION_TOO_DEEP', limit: 3, actual: 4 });
  });

  it('charges a subscribe against the rate limit like a request (RATE_LIMIT_ANON_PER_MIN=4 there)', async () => {
    const client = track(liveClient({ url: strict }));
    const codes: string[] = [];
    for (let i = 0; i < 6 && !codes.includes('RATE_LIMITED'); i++) {
      const stream = client.subscribe(live, { productIds: [own[i % own.length]!.productId] }, 'StockChanged');
      await Promise.race([stream.end(), new Promise((r) => setTimeout(r, 300))]);
      codes.push(stream.ended ? String(errorOf(stream)?.extensions?.code) : 'open');
    }
    expect(codes).toContain('open'); // some got through before the limit…
    expect(codes.at(-1)).toBe('RATE_LIMITED'); // …then the anonymous IP's points ran out
    await client.close();
  });

  /** Opens a raw WebSocket to the strict gateway: the open socket, or the HTTP status that refused the upgrade. */
  const connect = () =>
    new Promise<{ socket?: WebSocket; status?: number }>((resolve) => {
      const socket = new WebSocket(wsUrl(strict), 'graphql-transport-ws');
      socket.once('open', () => resolve({ socket }));
      socket.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
      socket.once('error', () => resolve({}));
    });

  it('bounds open connections per IP (SUBSCRIPTIONS_MAX_CONNECTIONS_PER_IP=3 there) and refuses attempts over the per-minute limit', async () => {
    // Earlier tests' lazy clients close their sockets once their operations are done.
    await expect.poll(() => metric(new URL('/', strict).toString(), 'cloudlab_gateway_ws_connections'), { timeout: 5_000 }).toBe(0);
    const open = await Promise.all([connect(), connect(), connect()]);
    expect(open.every((c) => c.socket)).toBe(true);
    expect((await connect()).status).toBe(429);
    open[0]!.socket!.close();
    await new Promise((r) => open[0]!.socket!.once('close', r));
    const again = await connect();
    expect(again.socket).toBeDefined();
    for (const c of [...open.slice(1), again]) c.socket!.close();

    // 30 attempts a minute: keep opening and closing until the gateway says 429.
    let refused: number | undefined;
    for (let i = 0; i < 40 && refused === undefined; i++) {
      const c = await connect();
      if (c.status) refused = c.status;
      else c.socket?.close();
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(refused).toBe(429);
  });
});

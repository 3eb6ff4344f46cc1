import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { contract, gql, login } from './support/client';
import { closeDbs, subgraphDb } from './support/db';
import { post, startGatewayProcess, type GatewayProcess } from './support/gateway';
import { metricsUrl } from '@cloudlab/kit/metrics-server';

/**
 * The whole-response cache, on a gateway of this story's own (the shared one caches nothing, so
 * the other stories see every request reach the subgraphs). It shares the stack's Redis when
 * REDIS_URL is set, else caches in memory; either way it hears the domains' events.
 */
const PRODUCT_PAGE = contract('storefront');
const ME = '{ me { id name } }';
let gateway: GatewayProcess;
let vendor: string;
let own: { product_id: string; warehouse_id: string };

/** Requests this gateway has sent to subgraphs so far (its own /metrics). */
async function subgraphRequests(): Promise<number> {
  const text = await (await fetch(metricsUrl(gateway.url))).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('cloudlab_gateway_subgraph_requests_total{'))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

const productPage = (id: string, headers: Record<string, string> = {}) =>
  fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: PRODUCT_PAGE, operationName: 'ProductPage', variables: { id } }),
  }).then(async (res) => ({ headers: res.headers, body: (await res.json()) as { data?: any; errors?: unknown[] } }));

beforeAll(async () => {
  const redisUrl = process.env.REDIS_URL;
  gateway = await startGatewayProcess({
    RESPONSE_CACHE_ENABLED: 'true',
    RATE_LIMIT_ANON_PER_MIN: '100000',
    RATE_LIMIT_USER_PER_MIN: '100000',
    ...(redisUrl ? { REDIS_URL: redisUrl, REDIS_PREFIX: `cloudlab:${inject('dbPrefix')}rc-story:` } : { REDIS_URL: '' }),
  });
  vendor = await login('vendor@cloudlab.dev');
  const me = (await gql('{ me { vendor { id } } }', { token: vendor })).body.data.me;
  // A product of the vendor's that no other story restocks: from the far end of the id order.
  const { rows } = await subgraphDb('inventory').query(
    'SELECT product_id, warehouse_id FROM stock WHERE vendor_id = $1 ORDER BY product_id DESC LIMIT 1',
    [me.vendor.id],
  );
  own = rows[0];
});
afterAll(async () => {
  await gateway?.stop();
  await closeDbs();
});

describe('the response cache', () => {
  it('answers a repeated public query from the cache, without asking any subgraph', async () => {
    const first = await productPage(own.product_id);
    expect(first.body.errors).toBeUndefined();
    expect(first.headers.get('x-cache')).toBe('MISS');
    expect(first.headers.get('cache-control')).toMatch(/^max-age=\d+, public$/);
    await new Promise((r) => setTimeout(r, 1100)); // so that Age counts a second
    const before = await subgraphRequests();
    const second = await productPage(own.product_id);
    expect(second.headers.get('x-cache')).toBe('HIT');
    expect(Number(second.headers.get('age'))).toBeGreaterThanOrEqual(1);
    expect(second.headers.get('cache-control')).toBe(first.headers.get('cache-control'));
    expect(second.body).toEqual(first.body);
    expect(await subgraphRequests()).toBe(before);
  });

  it('forgets a product within a second of a restock, wherever the restock happened', async () => {
    const cached = await productPage(own.product_id);
    expect(cached.headers.get('x-cache')).toBe('HIT');
    const available: number = cached.body.data.product.stock.available;
    // The vendor restocks through the shared gateway: only the StockChanged event tells this one.
    const restock = await gql(contract('commerce'), {
      operationName: 'Restock',
      token: vendor,
      variables: { productId: own.product_id, warehouseId: own.warehouse_id, quantity: 3 },
    });
    expect(restock.body.errors).toBeUndefined();
    const restockedAt = Date.now();
    await expect
      .poll(async () => (await productPage(own.product_id)).body.data.product.stock.available, { timeout: 1000, interval: 50 })
      .toBe(available + 3);
    console.log(`cached product page invalidated ${Date.now() - restockedAt} ms after the restock`);
  });

  it('shows a newly listed product first, and its new price, within a second of the change', async () => {
    const storefront = () =>
      fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: PRODUCT_PAGE, operationName: 'StorefrontHome', variables: { first: 3 } }),
      }).then(async (res) => ({ cache: res.headers.get('x-cache'), body: (await res.json()) as { data?: any } }));
    const shown = new Set<string>((await storefront()).body.data.products.edges.map((e: any) => e.node.category.id));
    expect((await storefront()).cache).toBe('HIT');
    // An admin lists a product for a vendor of this story's own, through the shared gateway: only
    // catalog's ProductCreated event tells this gateway (the cached page does not name the product).
    const admin = await login('admin@cloudlab.dev');
    const marketplace = contract('marketplace');
    const opened = await gql(marketplace, { operationName: 'CreateVendor', token: admin, variables: { name: `Cache Lane ${Date.now()}` } });
    // A category the cached page does not show either: only the listing's own tag can drop it.
    const categoryId = (await gql('{ categories { id } }')).body.data.categories.map((c: any) => c.id).find((id: string) => !shown.has(id));
    const input = { sku: 'CACHE-1', name: 'Cache Lamp', description: '', price: '10.00', categoryId, vendorId: opened.body.data.createVendor.vendor.id };
    const created = await gql(marketplace, { operationName: 'CreateProduct', token: admin, variables: { input } });
    expect(created.body.errors).toBeUndefined();
    const productId = created.body.data.createProduct.id;
    await expect.poll(async () => (await storefront()).body.data.products.edges[0].node.id, { timeout: 1000, interval: 50 }).toBe(productId);

    expect((await productPage(productId)).body.data.product.price.amount).toBe('10.00');
    const updated = await gql(marketplace, { operationName: 'UpdateProduct', token: admin, variables: { id: productId, patch: { price: '12.00' } } });
    expect(updated.body.errors).toBeUndefined();
    await expect.poll(async () => (await productPage(productId)).body.data.product.price.amount, { timeout: 1000, interval: 50 }).toBe('12.00');
    // Out of the listings again, so the other stories on this stack see the demo's storefront.
    await gql(marketplace, { operationName: 'ArchiveProduct', token: admin, variables: { id: productId } });
  });

  it('keeps a signed-in user’s private answer for that user only', async () => {
    const customer = await login('customer@cloudlab.dev');
    const mine = await post(gateway.url, ME, { headers: { authorization: `Bearer ${customer}` } });
    expect(mine.body.errors).toBeUndefined();
    expect(mine.headers.get('cache-control')).toMatch(/private/);
    const again = await post(gateway.url, ME, { headers: { authorization: `Bearer ${customer}` } });
    expect(again.headers.get('x-cache')).toBe('HIT');
    expect(again.body).toEqual(mine.body);
    expect(again.headers.get('cache-control')).toMatch(/private/);
    const theirs = await post(gateway.url, ME, { headers: { authorization: `Bearer ${vendor}` } });
    expect(theirs.headers.get('x-cache')).toBe('MISS');
    expect(theirs.body.data.me.id).not.toBe(mine.body.data.me.id);
    const anonymous = await post(gateway.url, ME);
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(anonymous.headers.get('x-cache')).toBe('MISS');
  });

  it('never keeps data that has no cache hint (orders)', async () => {
    const order = '{ order(id: "00000000-0000-4000-8000-000000000000") { id } }';
    const first = await post(gateway.url, order);
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect((await post(gateway.url, order)).headers.get('x-cache')).toBe('MISS');
  });
});

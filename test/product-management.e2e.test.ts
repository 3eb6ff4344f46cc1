import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract, gql, login, send } from './support/client';
import { closeDbs, subgraphDb } from './support/db';
import { until } from './support/poll';

const marketplace = contract('marketplace');
const commerce = contract('commerce');
const mutate = (operationName: string, token: string, variables: Record<string, unknown>) =>
  gql(marketplace, { operationName, token, variables });
const codeOf = (res: { body: { errors?: { extensions?: Record<string, any> }[] } }) => res.body.errors?.[0]?.extensions?.code;

/** Orders' copy of the product's price, once catalog's event with that version has arrived. */
const ordersKnow = (productId: string, version: number) =>
  until(async () => (await subgraphDb('orders').query('SELECT price, archived FROM product_prices WHERE product_id = $1 AND version >= $2', [productId, version])).rows[0], `orders to see version ${version}`);

const placeOrder = (token: string, productId: string, quantity: number) =>
  gql(commerce, { operationName: 'PlaceOrder', token, variables: { input: { lines: [{ productId, quantity }], paymentToken: 'tok_visa', idempotencyKey: randomUUID() } } });

let staff: string; // staff of a vendor opened for this story
let vendorId: string;
let otherStaff: string; // the demo vendor's staff
let customer: string;
let categoryId: string;
let productId: string;
const sku = `LAMP-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  const admin = await login('admin@cloudlab.dev');
  const opened = await mutate('CreateVendor', admin, { name: `Lumen Works ${randomUUID().slice(0, 6)}` });
  expect(opened.body.errors).toBeUndefined();
  vendorId = opened.body.data.createVendor.vendor.id;
  const email = `lumen-${randomUUID().slice(0, 8)}@example.com`;
  const signedUp = await gql(marketplace, { operationName: 'SignUp', variables: { input: { email, password: 'bright lamps all day', name: 'Lou Lumen' } } });
  const joined = await mutate('JoinVendor', signedUp.body.data.signUp.accessToken, { invitationCode: opened.body.data.createVendor.invitationCode });
  expect(joined.body.errors).toBeUndefined();
  staff = joined.body.data.joinVendor.accessToken;
  [otherStaff, customer] = await Promise.all([login('vendor@cloudlab.dev'), login('customer@cloudlab.dev')]);
  categoryId = (await gql('{ categories { id } }')).body.data.categories[0].id;
});
afterAll(closeDbs);

describe('a vendor manages its own products', () => {
  it('lists a product that shows first in the storefront', async () => {
    const input = { sku, name: 'Arc Floor Lamp', description: 'Brass, dimmable.', price: '120.5', categoryId };
    const created = await mutate('CreateProduct', staff, { input });
    expect(created.body.errors).toBeUndefined();
    const product = created.body.data.createProduct;
    expect(product).toMatchObject({ sku, name: 'Arc Floor Lamp', price: { amount: '120.50', currency: 'EUR' }, category: { id: categoryId }, vendor: { id: vendorId } });
    productId = product.id;

    const home = await send('StorefrontHome', { variables: { first: 12 } });
    expect(home.body.errors).toBeUndefined();
    expect(home.body.data!.products.edges[0]!.node).toMatchObject({ id: productId, name: 'Arc Floor Lamp', vendor: { id: vendorId } });

    // Inventory learns of it from ProductCreated: its staff can stock it (just what the order below takes).
    const warehouseId = await until(
      async () => (await subgraphDb('inventory').query('SELECT warehouse_id FROM stock WHERE product_id = $1 LIMIT 1', [productId])).rows[0]?.warehouse_id,
      'inventory to list the product',
    );
    const restocked = await gql(commerce, { operationName: 'Restock', token: staff, variables: { productId, warehouseId, quantity: 2 } });
    expect(restocked.body.data?.restock).toEqual({ available: 2 });

    // The same sku again is refused for this vendor.
    const again = await mutate('CreateProduct', staff, { input });
    expect(codeOf(again)).toBe('BAD_USER_INPUT');
    expect(again.body.errors![0]!.message).toMatch(/sku already used/);
  });

  it.each(['-1', '1.234', 'abc', '1000000.01'])('refuses the price %j with BAD_USER_INPUT', async (price) => {
    const res = await mutate('CreateProduct', staff, { input: { sku: `BAD-${randomUUID().slice(0, 8)}`, name: 'Lamp', description: '', price, categoryId } });
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.body.errors![0]!.extensions!.field).toBe('price');
  });

  it('is listed only by vendor staff for their own vendor, or by admins naming the vendor', async () => {
    const input = { sku: `X-${randomUUID().slice(0, 8)}`, name: 'Lamp', description: '', price: '5.00', categoryId };
    expect(codeOf(await gql(marketplace, { operationName: 'CreateProduct', variables: { input } }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await mutate('CreateProduct', customer, { input }))).toBe('FORBIDDEN');
    expect(codeOf(await mutate('CreateProduct', otherStaff, { input: { ...input, vendorId } }))).toBe('FORBIDDEN');
    const admin = await login('admin@cloudlab.dev');
    const unnamed = await mutate('CreateProduct', admin, { input });
    expect(unnamed.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'vendorId' });
    const unknownCategory = await mutate('CreateProduct', staff, { input: { ...input, categoryId: randomUUID() } });
    expect(unknownCategory.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'categoryId' });
  });

  it('is refused to another vendor, who can neither change nor archive it', async () => {
    const update = await mutate('UpdateProduct', otherStaff, { id: productId, patch: { price: '1.00' } });
    expect(codeOf(update)).toBe('FORBIDDEN');
    const archive = await mutate('ArchiveProduct', otherStaff, { id: productId });
    expect(codeOf(archive)).toBe('FORBIDDEN');
    const page = await gql('query($id: ID!) { product(id: $id) { archived price { amount } } }', { variables: { id: productId } });
    expect(page.body.data.product).toEqual({ archived: false, price: { amount: '120.50' } });
  });

  it('changes its price, and the next order is totalled with the new price', async () => {
    const updated = await mutate('UpdateProduct', staff, { id: productId, patch: { price: '99.99' } });
    expect(updated.body.errors).toBeUndefined();
    // Patch semantics: the name stays.
    expect(updated.body.data.updateProduct).toEqual({ id: productId, name: 'Arc Floor Lamp', price: { amount: '99.99', currency: 'EUR' } });

    await ordersKnow(productId, 2);
    const order = await placeOrder(customer, productId, 2);
    expect(order.body.errors).toBeUndefined();
    expect(order.body.data.placeOrder.total).toEqual({ amount: '199.98', currency: 'EUR' });
    const status = () => gql('query($id: ID!) { order(id: $id) { status } }', { token: customer, variables: { id: order.body.data.placeOrder.id } });
    await until(async () => (await status()).body.data.order.status === 'CONFIRMED', 'the order to be confirmed');
  });

  it('archives it: it leaves the storefront and cannot be ordered, but past orders still show it', async () => {
    const archived = await mutate('ArchiveProduct', staff, { id: productId });
    expect(archived.body.errors).toBeUndefined();
    expect(archived.body.data.archiveProduct).toEqual({ id: productId, archived: true });

    const home = await send('StorefrontHome', { variables: { first: 12 } });
    expect(home.body.data!.products.edges.map((e) => e.node.id)).not.toContain(productId);
    // The category's count is the live products in it (product_counts follows archiving).
    const listed = await gql('query($c: ID!) { products(categoryId: $c) { totalCount } }', { variables: { c: categoryId } });
    const live = await subgraphDb('catalog').query('SELECT count(*)::int AS n FROM products WHERE category_id = $1 AND archived_at IS NULL', [categoryId]);
    expect(listed.body.data.products.totalCount).toBe(live.rows[0].n);

    await ordersKnow(productId, 3);
    const refused = await placeOrder(customer, productId, 1);
    expect(codeOf(refused)).toBe('BAD_USER_INPUT');
    expect(refused.body.errors![0]!.message).toContain(productId);

    const mine = await send('MyOrders', { token: customer });
    const lines = mine.body.data!.me!.orders!.edges.flatMap((e) => e.node.lines);
    expect(lines.map((l) => l.product?.name)).toContain('Arc Floor Lamp');
  });
});

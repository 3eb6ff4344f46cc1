import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract, gql, login } from './support/client';
import { closeDbs, subgraphDb } from './support/db';
import { vendorStaffToken } from './support/vendor-staff';

const marketplace = contract('marketplace');
const ORDER = `query ($id: ID!) { order(id: $id) { status history { type } payment { status }
  shipments { vendor { id } carrier trackingNumber shippedAt } } }`;
const CANCEL = 'mutation ($id: ID!) { cancelOrder(id: $id) { status } }';

let customer: string;
const staff: Record<'a' | 'b' | 'c', string> = { a: '', b: '', c: '' };
const vendorOf: Record<'a' | 'b' | 'c', string> = { a: '', b: '', c: '' };
const productOf: Record<'a' | 'b', string> = { a: '', b: '' };
let orderId: string;

const codeOf = (res: { body: { errors?: { extensions?: { code?: string } }[] } }) => res.body.errors?.[0]?.extensions?.code;
const orderOf = async (id: string) => (await gql(ORDER, { token: customer, variables: { id } })).body.data.order;
const ship = (token: string, trackingNumber: string, id = orderId) =>
  gql(marketplace, { operationName: 'ShipOrder', token, variables: { orderId: id, carrier: 'DHL', trackingNumber } });
/** The order as it appears in the vendor's VendorOrders list (the contract's query). */
async function listedFor(token: string, id: string) {
  const res = await gql(marketplace, { operationName: 'VendorOrders', token, variables: { first: 50 } });
  expect(res.body.errors).toBeUndefined();
  const orders = res.body.data.me.vendor.orders;
  return { totalCount: orders.totalCount as number, node: orders.edges.map((e: any) => e.node).find((n: any) => n.id === id) };
}

beforeAll(async () => {
  [customer, staff.a] = await Promise.all([login('customer@cloudlab.dev'), login('vendor@cloudlab.dev')]);
  vendorOf.a = (await gql('{ me { vendor { id } } }', { token: staff.a })).body.data.me.vendor.id;
  // Products in stock of the demo vendor and of one other; a third vendor with nothing in the order.
  const { rows } = await subgraphDb('inventory').query(
    `SELECT DISTINCT ON (vendor_id) vendor_id, product_id FROM stock GROUP BY vendor_id, product_id
     HAVING sum(available) >= 10 ORDER BY vendor_id, product_id`,
  );
  productOf.a = rows.find((r: any) => r.vendor_id === vendorOf.a)!.product_id;
  const others = rows.filter((r: any) => r.vendor_id !== vendorOf.a);
  [vendorOf.b, vendorOf.c, productOf.b] = [others[0].vendor_id, others[1].vendor_id, others[0].product_id];
  [staff.b, staff.c] = await Promise.all([vendorStaffToken(vendorOf.b), vendorStaffToken(vendorOf.c)]);

  const placed = await gql(contract('commerce'), {
    operationName: 'PlaceOrder',
    token: customer,
    variables: { input: { lines: [{ productId: productOf.a, quantity: 1 }, { productId: productOf.b, quantity: 2 }], paymentToken: 'tok_visa', idempotencyKey: randomUUID() } },
  });
  expect(placed.body.errors).toBeUndefined();
  orderId = placed.body.data.placeOrder.id;
});
afterAll(closeDbs);

describe('a two-vendor order', () => {
  it("is listed, once confirmed, for each vendor with only that vendor's lines", async () => {
    await expect.poll(async () => (await orderOf(orderId)).status, { timeout: 20_000, interval: 100 }).toBe('CONFIRMED');
    const a = await listedFor(staff.a, orderId);
    expect(a.node).toEqual({ id: orderId, status: 'CONFIRMED', lines: [{ quantity: 1, product: { id: productOf.a, name: expect.any(String) } }] });
    expect(a.totalCount).toBeGreaterThanOrEqual(1);
    const b = await listedFor(staff.b, orderId);
    expect(b.node.lines).toEqual([{ quantity: 2, product: { id: productOf.b, name: expect.any(String) } }]);
    expect((await listedFor(staff.c, orderId)).node).toBeUndefined();
    // Another vendor's list is not for its staff.
    const foreign = await gql('query ($id: ID!) { vendor(id: $id) { orders { totalCount } } }', { token: staff.a, variables: { id: vendorOf.b } });
    expect(codeOf(foreign)).toBe('FORBIDDEN');
  });

  it("shows an admin, in a vendor's list, that vendor's lines only, page by page", async () => {
    const admin = await login('admin@cloudlab.dev');
    const PAGE = `query ($id: ID!, $after: String) { vendor(id: $id) { orders(first: 1, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { id lines { product { id } } } } } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    let totalCount = 0;
    do {
      const res: any = await gql(PAGE, { token: admin, variables: { id: vendorOf.b, after } });
      expect(res.body.errors).toBeUndefined();
      const page = res.body.data.vendor.orders;
      totalCount = page.totalCount;
      for (const { node } of page.edges) {
        seen.push(node.id);
        if (node.id === orderId) expect(node.lines).toEqual([{ product: { id: productOf.b } }]);
      }
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after && seen.length < 50);
    expect(seen).toContain(orderId);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(totalCount);
  });

  it('cannot be shipped by a vendor with no lines in it', async () => {
    expect(codeOf(await ship(staff.c, 'C-1'))).toBe('NOT_FOUND');
    expect(codeOf(await ship(customer, 'C-1'))).toBe('FORBIDDEN');
  });

  it('stays CONFIRMED after the first vendor ships, and cannot be cancelled any more', async () => {
    const res = await ship(staff.a, 'A-123');
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.shipOrder).toMatchObject({ id: orderId, status: 'CONFIRMED', shipments: [{ vendor: { id: vendorOf.a }, carrier: 'DHL', trackingNumber: 'A-123' }] });
    // A retry answers the same; another tracking number for the same lines is refused.
    expect((await ship(staff.a, 'A-123')).body.data.shipOrder.shipments).toEqual(res.body.data.shipOrder.shipments);
    expect(codeOf(await ship(staff.a, 'A-999'))).toBe('BAD_USER_INPUT');
    expect(codeOf(await ship(staff.b, 'x'.repeat(101)))).toBe('BAD_USER_INPUT');
    expect(codeOf(await gql(CANCEL, { token: customer, variables: { id: orderId } }))).toBe('BAD_USER_INPUT');
  });

  it('is SHIPPED once the second vendor ships, and its payment is captured', async () => {
    const res = await ship(staff.b, 'B-456');
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.shipOrder.status).toBe('SHIPPED');
    expect(res.body.data.shipOrder.shipments.map((s: any) => s.vendor.id)).toEqual([vendorOf.b]); // staff see their own
    await expect.poll(async () => (await orderOf(orderId)).payment.status, { timeout: 10_000, interval: 100 }).toBe('CAPTURED');
    const order = await orderOf(orderId);
    expect(order.shipments.map((s: any) => s.trackingNumber)).toEqual(['A-123', 'B-456']);
    expect(order.history.map((e: any) => e.type).slice(-3)).toEqual(['VendorShipped', 'VendorShipped', 'OrderShipped']);
    const payments = subgraphDb('payments');
    const [payment] = (await payments.query('SELECT id, amount, captured_amount FROM payments WHERE order_id = $1', [orderId])).rows;
    expect(payment.captured_amount).toBe(payment.amount);
    // One provider call per phase, each under its idempotency key.
    const calls = await payments.query('SELECT idempotency_key FROM provider_calls WHERE idempotency_key = ANY($1) ORDER BY at', [
      [`authorize:${orderId}`, `capture:${payment.id}`, `void:${payment.id}`, `refund:${payment.id}`],
    ]);
    expect(calls.rows.map((r: any) => r.idempotency_key)).toEqual([`authorize:${orderId}`, `capture:${payment.id}`]);
  });

  it('cannot be cancelled once shipped', async () => {
    const res = await gql(CANCEL, { token: customer, variables: { id: orderId } });
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.body.errors![0]!.message).toMatch(/already shipped/);
    expect((await orderOf(orderId)).status).toBe('SHIPPED');
  });
});

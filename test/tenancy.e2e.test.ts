import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract, gql, login } from './support/client';
import { closeDbs, subgraphDb } from './support/db';
import { liveClient } from './support/live';

/** Everything an order shows, to see which parts each viewer gets. */
const FIELDS = `id status total { amount } customer { id name } cancellationReason history { type detail }
  lines { quantity unitPrice { amount } product { id } }`;
const ORDER = `query Order($id: ID!) { order(id: $id) { ${FIELDS} } }`;

let customer: string;
let vendor: string;
let own: string; // a product of the demo vendor's
let foreign: string; // another vendor's
let orderId: string;

beforeAll(async () => {
  [customer, vendor] = await Promise.all([login('customer@cloudlab.dev'), login('vendor@cloudlab.dev')]);
  const vendorId = (await gql('{ me { vendor { id } } }', { token: vendor })).body.data.me.vendor.id;
  const { rows } = await subgraphDb('inventory').query(
    `SELECT product_id, vendor_id = $1 AS own FROM stock GROUP BY product_id, vendor_id HAVING sum(available) >= 5 ORDER BY product_id DESC LIMIT 500`,
    [vendorId],
  );
  own = rows.find((r: any) => r.own)!.product_id;
  foreign = rows.find((r: any) => !r.own)!.product_id;
  const placed = await gql(contract('commerce'), {
    operationName: 'PlaceOrder',
    token: customer,
    variables: { input: { lines: [{ productId: own, quantity: 1 }, { productId: foreign, quantity: 2 }], paymentToken: 'tok_declined', idempotencyKey: randomUUID() } },
  });
  expect(placed.body.errors).toBeUndefined();
  orderId = placed.body.data.placeOrder.id;
});
afterAll(closeDbs);

describe('an order shared by two vendors', () => {
  it('shows its customer everything', async () => {
    const order = (await gql(ORDER, { token: customer, variables: { id: orderId } })).body.data.order;
    expect(order.lines.map((l: any) => l.product.id).sort()).toEqual([own, foreign].sort());
    expect(order.total.amount).toMatch(/^\d+\.\d\d$/);
    expect(order.customer.name).toBe('Casey Customer');
  });

  it("shows vendor staff only their own lines: no other vendor's lines, no total, no customer", async () => {
    const res = await gql(ORDER, { token: vendor, variables: { id: orderId } });
    expect(res.body.errors).toBeUndefined();
    const order = res.body.data.order;
    expect(order.lines).toHaveLength(1);
    expect(order.lines[0].product.id).toBe(own);
    expect(order.lines[0].quantity).toBe(1);
    expect(order.lines[0].unitPrice.amount).toMatch(/^\d+\.\d\d$/);
    expect(order.total).toBeNull();
    expect(order.customer).toBeNull();
    expect(order.cancellationReason).toBeNull();
    expect(order.history.every((e: any) => e.detail === null)).toBe(true);
    expect(JSON.stringify(order)).not.toContain(foreign);
  });

  it('shows vendor staff the same part of it through orderStatusChanged', async () => {
    const live = liveClient({ token: vendor });
    try {
      const stream = live.subscribe(`subscription ($id: ID!) { orderStatusChanged(orderId: $id) { ${FIELDS} } }`, { id: orderId });
      const first = await stream.until((m) => Boolean(m.data?.orderStatusChanged || m.errors));
      expect(first.errors).toBeUndefined();
      const order = first.data.orderStatusChanged;
      expect(order.lines.map((l: any) => l.product.id)).toEqual([own]);
      expect(order.total).toBeNull();
      expect(order.customer).toBeNull();
      expect(JSON.stringify(order)).not.toContain(foreign);
    } finally {
      await live.close();
    }
  });
});

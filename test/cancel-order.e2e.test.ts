import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract, gql, login } from './support/client';
import { closeDbs, subgraphDb } from './support/db';

const commerce = contract('commerce');
const CANCEL = 'mutation ($id: ID!) { cancelOrder(id: $id) { id status cancellationReason history { type } } }';
const ORDER = 'query ($id: ID!) { order(id: $id) { id status cancellationReason history { type } payment { status } } }';

let customer: string;
let vendor: string;
let admin: string;
let products: string[]; // the demo vendor's, in stock, so its staff can see the orders

const codeOf = (res: { body: { errors?: { extensions?: { code?: string } }[] } }) => res.body.errors?.[0]?.extensions?.code;
/** The product's units as inventory holds them: available and reserved (sold ones are gone). */
const stockOf = async (id: string) => {
  const { rows } = await subgraphDb('inventory').query('SELECT sum(available)::int AS available, sum(reserved)::int AS reserved FROM stock WHERE product_id = $1', [id]);
  return rows[0] as { available: number; reserved: number };
};
const orderOf = async (id: string, token = customer) => (await gql(ORDER, { token, variables: { id } })).body.data.order;

async function place(productId: string, paymentToken: string) {
  const res = await gql(commerce, {
    operationName: 'PlaceOrder',
    token: customer,
    variables: { input: { lines: [{ productId, quantity: 2 }], paymentToken, idempotencyKey: randomUUID() } },
  });
  expect(res.body.errors).toBeUndefined();
  return res.body.data.placeOrder.id as string;
}

beforeAll(async () => {
  [customer, vendor, admin] = (await Promise.all(['customer', 'vendor', 'admin'].map((u) => login(`${u}@cloudlab.dev`)))) as [string, string, string];
  const vendorId = (await gql('{ me { vendor { id } } }', { token: vendor })).body.data.me.vendor.id;
  const { rows } = await subgraphDb('inventory').query(
    'SELECT product_id FROM stock WHERE vendor_id = $1 GROUP BY product_id HAVING sum(available) >= 10 ORDER BY product_id DESC LIMIT 4',
    [vendorId],
  );
  products = rows.map((r: any) => r.product_id);
});
afterAll(closeDbs);

describe('cancelOrder', () => {
  it('lets the customer cancel an order that is still open: the reserved stock comes back', async () => {
    const product = products[0]!;
    const before = await stockOf(product);
    const id = await place(product, 'tok_slow'); // slow payment: the order stays open for a while
    const res = await gql(CANCEL, { token: customer, variables: { id } });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.cancelOrder).toMatchObject({ id, status: 'CANCELLED', cancellationReason: 'cancelled by customer' });
    await expect.poll(() => stockOf(product), { timeout: 10_000 }).toEqual(before);
    // A payment authorized meanwhile (or later) is voided, never kept.
    await new Promise((r) => setTimeout(r, 500));
    const payment = (await orderOf(id)).payment;
    if (payment) await expect.poll(async () => (await orderOf(id)).payment.status, { timeout: 20_000 }).toBe('VOIDED');
  });

  it('undoes a confirmed, unshipped order: its authorization is voided (nothing was captured) and its units go back into stock', async () => {
    const product = products[1]!;
    const before = await stockOf(product);
    const id = await place(product, 'tok_visa');
    await expect.poll(async () => (await orderOf(id)).status, { timeout: 20_000 }).toBe('CONFIRMED');
    const res = await gql(CANCEL, { token: customer, variables: { id } });
    expect(res.body.data.cancelOrder.status).toBe('CANCELLED');
    await expect.poll(async () => (await orderOf(id)).payment?.status, { timeout: 10_000 }).toBe('VOIDED');
    await expect.poll(() => stockOf(product), { timeout: 10_000 }).toEqual(before);
  });

  it('answers a cancelled order unchanged when it is cancelled again', async () => {
    const id = await place(products[2]!, 'tok_declined');
    await expect.poll(async () => (await orderOf(id)).status, { timeout: 20_000 }).toBe('CANCELLED');
    const before = await orderOf(id);
    const res = await gql(CANCEL, { token: customer, variables: { id } });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.cancelOrder).toMatchObject({ status: 'CANCELLED', cancellationReason: 'card declined', history: before.history });
  });

  it('is for the customer and admins: vendor staff get FORBIDDEN, strangers NOT_FOUND, anonymous callers UNAUTHENTICATED', async () => {
    const id = await place(products[3]!, 'tok_slow');
    expect(codeOf(await gql(CANCEL, { token: vendor, variables: { id } }))).toBe('FORBIDDEN');
    expect(codeOf(await gql(CANCEL, { variables: { id } }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await gql(CANCEL, { token: customer, variables: { id: randomUUID() } }))).toBe('NOT_FOUND');
    expect((await orderOf(id)).status).not.toBe('CANCELLED');
    const res = await gql(CANCEL, { token: admin, variables: { id } });
    expect(res.body.data.cancelOrder).toMatchObject({ status: 'CANCELLED', cancellationReason: 'cancelled by an admin' });
  });
});

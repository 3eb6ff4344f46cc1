import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract, gql, login } from './support/client';
import { closeDbs, subgraphDb } from './support/db';

const commerce = contract('commerce');
const INT_MAX = 2 ** 31 - 1;
const RESTOCK = `mutation ($productId: ID!, $warehouseId: ID!, $quantity: Int!, $key: String) {
  restock(productId: $productId, warehouseId: $warehouseId, quantity: $quantity, idempotencyKey: $key) { available reserved } }`;

let customer: string;
let vendor: string;
let product: string; // one of the demo vendor's, in stock
let warehouses: string[];

const place = (input: Record<string, unknown>) =>
  gql(commerce, { operationName: 'PlaceOrder', token: customer, variables: { input: { paymentToken: 'tok_declined', idempotencyKey: randomUUID(), ...input } } });
const codeOf = (res: { body: { errors?: { extensions?: { code?: string } }[] } }) => res.body.errors?.[0]?.extensions?.code;
const stockOf = async (id: string) => (await gql('query ($id: ID!) { product(id: $id) { stock { available reserved } } }', { variables: { id } })).body;

beforeAll(async () => {
  [customer, vendor] = await Promise.all([login('customer@cloudlab.dev'), login('vendor@cloudlab.dev')]);
  const vendorId = (await gql('{ me { vendor { id } } }', { token: vendor })).body.data.me.vendor.id;
  const { rows } = await subgraphDb('inventory').query(
    'SELECT product_id FROM stock WHERE vendor_id = $1 GROUP BY product_id HAVING sum(available) >= 5 ORDER BY product_id LIMIT 3',
    [vendorId],
  );
  product = rows[1].product_id;
  warehouses = (await gql('{ warehouses { id } }')).body.data.warehouses.map((w: any) => w.id);
});
afterAll(closeDbs);

describe('placeOrder input', () => {
  it('refuses more than ORDER_MAX_QUANTITY units of one product spread over many lines', async () => {
    const res = await place({ lines: Array.from({ length: 50 }, () => ({ productId: product, quantity: 1000 })) });
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(codeOf(await place({ lines: [{ productId: product, quantity: 600 }, { productId: product, quantity: 401 }] }))).toBe('BAD_USER_INPUT');
  });

  it('refuses a payment token longer than 200 characters', async () => {
    const res = await place({ lines: [{ productId: product, quantity: 1 }], paymentToken: 'x'.repeat(201) });
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
  });

  it('answers CONFLICT for an idempotency key reused with a different order, and the first order for the same one', async () => {
    const key = randomUUID();
    const first = await place({ lines: [{ productId: product, quantity: 1 }], idempotencyKey: key });
    expect(first.body.errors).toBeUndefined();
    const again = await place({ lines: [{ productId: product, quantity: 1 }], idempotencyKey: key });
    expect(again.body.data.placeOrder.id).toBe(first.body.data.placeOrder.id);
    for (const other of [{ lines: [{ productId: product, quantity: 2 }] }, { lines: [{ productId: product, quantity: 1 }], paymentToken: 'tok_visa' }]) {
      const res = await place({ ...other, idempotencyKey: key });
      expect(codeOf(res)).toBe('CONFLICT');
      expect(res.body.data?.placeOrder ?? null).toBeNull();
    }
  });
});

describe('restock', () => {
  it('refuses a restock that would take a product past the GraphQL Int range, and its stock stays readable', async () => {
    const inventory = subgraphDb('inventory');
    const { rows } = await inventory.query('SELECT warehouse_id, available FROM stock WHERE product_id = $1 ORDER BY warehouse_id', [product]);
    const [row] = rows;
    const others = (await inventory.query('SELECT sum(available + reserved + sold)::bigint AS n FROM stock WHERE product_id = $1 AND warehouse_id <> $2', [product, row.warehouse_id])).rows[0].n;
    // Bring the product to 10 units below the limit (no restock could get there in a test's time).
    await inventory.query('UPDATE stock SET available = $3::bigint - $4::bigint - reserved - sold - 10 WHERE product_id = $1 AND warehouse_id = $2', [product, row.warehouse_id, INT_MAX, Number(others)]);
    try {
      const empty = warehouses.find((w) => !rows.some((r: any) => r.warehouse_id === w)) ?? row.warehouse_id;
      const over = await gql(RESTOCK, { token: vendor, variables: { productId: product, warehouseId: empty, quantity: 11 } });
      expect(codeOf(over)).toBe('BAD_USER_INPUT');
      const read = await stockOf(product);
      expect(read.errors).toBeUndefined();
      expect(read.data.product.stock.available + read.data.product.stock.reserved).toBeLessThanOrEqual(INT_MAX);
      const fits = await gql(RESTOCK, { token: vendor, variables: { productId: product, warehouseId: empty, quantity: 10 } });
      expect(fits.body.errors).toBeUndefined();
      // The database refuses a row past the range whatever writes it.
      await expect(inventory.query('UPDATE stock SET available = $3, reserved = reserved + 1 WHERE product_id = $1 AND warehouse_id = $2', [product, row.warehouse_id, INT_MAX])).rejects.toThrow(/stock_units_fit_int/);
    } finally {
      await inventory.query('UPDATE stock SET available = $3 WHERE product_id = $1 AND warehouse_id = $2', [product, row.warehouse_id, row.available]);
      await inventory.query("DELETE FROM stock WHERE product_id = $1 AND available = 10 AND reserved = 0 AND sold = 0 AND warehouse_id <> ALL($2::uuid[])", [product, rows.map((r: any) => r.warehouse_id)]);
    }
  });

  it('applies a restock retried with the same idempotency key once, and answers CONFLICT for the key with other arguments', async () => {
    const key = randomUUID();
    // Units held in any state: only restocks change it (orders elsewhere move units between states).
    const units = async () => Number((await subgraphDb('inventory').query('SELECT sum(available + reserved + sold)::bigint AS n FROM stock WHERE product_id = $1', [product])).rows[0].n);
    const before = await units();
    const vars = { productId: product, warehouseId: warehouses[0], quantity: 3, key };
    const [a, b] = await Promise.all([gql(RESTOCK, { token: vendor, variables: vars }), gql(RESTOCK, { token: vendor, variables: vars })]);
    expect(a.body.errors).toBeUndefined();
    expect(b.body.data.restock).toEqual(a.body.data.restock);
    const third = await gql(RESTOCK, { token: vendor, variables: vars });
    expect(third.body.data.restock).toEqual(a.body.data.restock);
    expect(await units()).toBe(before + 3);
    const other = await gql(RESTOCK, { token: vendor, variables: { ...vars, quantity: 4 } });
    expect(codeOf(other)).toBe('CONFLICT');
    const { rows } = await subgraphDb('inventory').query('SELECT count(*)::int AS n FROM restocks WHERE product_id = $1 AND quantity IN (3, 4) AND at > now() - interval \'1 minute\'', [product]);
    expect(rows[0].n).toBe(1);
  });
});

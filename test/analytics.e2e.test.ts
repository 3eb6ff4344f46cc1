import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { contract, counter, gql, login } from './support/client';
import { closeDbs, subgraphDb } from './support/db';
import { vendorStaffToken } from './support/vendor-staff';

const analytics = contract('analytics');
const today = new Date().toISOString().slice(0, 10);
const since = new Date(Date.now() - 90 * 86_400_000).toISOString().slice(0, 10);

let admin: string;
let customer: string;
let staff: string;
let otherStaff: string;
let vendor: string;
const product: { id: string; cents: number }[] = [];
const orderIds: string[] = [];

const report = (token: string, from = today, to = today, granularity = 'DAY') =>
  gql(analytics, { operationName: 'VendorSales', token, variables: { vendorId: vendor, from, to, granularity } });
const alsoBought = (id: string) => gql(analytics, { operationName: 'AlsoBought', variables: { id } });
const codeOf = (res: { body: { errors?: { extensions?: Record<string, any> }[] } }) => res.body.errors?.[0]?.extensions?.code;
const eur = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

async function place(lines: { productId: string; quantity: number }[], paymentToken = 'tok_visa') {
  const res = await gql(contract('commerce'), {
    operationName: 'PlaceOrder',
    token: customer,
    variables: { input: { lines, paymentToken, idempotencyKey: randomUUID() } },
  });
  expect(res.body.errors).toBeUndefined();
  orderIds.push(res.body.data.placeOrder.id);
}

/** Everything the story compares before and after a rebuild or a redelivery, as JSON text. */
async function snapshot(): Promise<string> {
  const [day, weeks, platform, a, b] = await Promise.all([
    report(staff),
    report(staff, since, today, 'WEEK'),
    gql(analytics, { operationName: 'PlatformStats', token: admin, variables: { from: since, to: today } }),
    alsoBought(product[0]!.id),
    alsoBought(product[1]!.id),
  ]);
  for (const r of [day, weeks, platform, a, b]) expect(r.body.errors).toBeUndefined();
  return JSON.stringify([day.body, weeks.body, platform.body, a.body, b.body]);
}

beforeAll(async () => {
  [admin, customer] = await Promise.all([login('admin@cloudlab.dev'), login('customer@cloudlab.dev')]);
  // A vendor with two well-stocked products and no sales today yet (other test files order from
  // the first vendor), and any other vendor.
  const { rows } = await subgraphDb('inventory').query(
    `SELECT vendor_id, product_id FROM stock GROUP BY vendor_id, product_id HAVING sum(available) >= 20 ORDER BY vendor_id DESC, product_id`,
  );
  const byVendor = new Map<string, string[]>();
  for (const r of rows) byVendor.set(r.vendor_id, [...(byVendor.get(r.vendor_id) ?? []), r.product_id]);
  for (const [id, products] of byVendor) {
    if (products.length < 2) continue;
    vendor = id;
    const before = await report(await vendorStaffToken(id));
    if (before.body.data.vendor.salesReport.orders === 0 && before.body.data.vendor.salesReport.cancellationRate === 0) break;
  }
  staff = await vendorStaffToken(vendor);
  otherStaff = await vendorStaffToken([...byVendor.keys()].find((id) => id !== vendor)!);
  for (const id of byVendor.get(vendor)!.slice(0, 2)) {
    const res = await gql('query ($id: ID!) { product(id: $id) { price { amount } } }', { variables: { id } });
    product.push({ id, cents: Math.round(Number(res.body.data.product.price.amount) * 100) });
  }
});
afterAll(closeDbs);

describe('sales analytics', () => {
  it("three confirmed orders and a declined one show in the vendor's report within seconds, exact to the cent", async () => {
    const [p1, p2] = [product[0]!, product[1]!];
    await place([{ productId: p1.id, quantity: 2 }, { productId: p2.id, quantity: 1 }]);
    await place([{ productId: p1.id, quantity: 1 }, { productId: p2.id, quantity: 1 }]);
    await place([{ productId: p2.id, quantity: 2 }]);
    await place([{ productId: p1.id, quantity: 1 }], 'tok_declined');
    await expect
      .poll(async () => (await report(staff)).body.data?.vendor.salesReport, { timeout: 20_000, interval: 200 })
      .toMatchObject({ orders: 3, cancellationRate: 0.25 });
    const revenue = 3 * p1.cents + 4 * p2.cents;
    const r = (await report(staff)).body.data.vendor.salesReport;
    expect(r).toMatchObject({
      orders: 3,
      units: 7,
      revenue: [{ amount: eur(revenue), currency: 'EUR' }],
      averageOrderValue: [{ amount: eur(Math.round(revenue / 3)), currency: 'EUR' }],
      series: [{ period: today, orders: 3, units: 7, revenue: [{ amount: eur(revenue), currency: 'EUR' }] }],
    });
    expect(r.topProducts.map((t: any) => [t.product.id, t.units])).toEqual([[p2.id, 4], [p1.id, 3]]);
    expect(r.topProducts[0].product.name).toEqual(expect.any(String));
  });

  it('another vendor’s staff and customers are refused; a range the wrong way round is bad input', async () => {
    expect(codeOf(await report(otherStaff))).toBe('FORBIDDEN');
    expect(codeOf(await report(customer))).toBe('FORBIDDEN');
    expect(codeOf(await gql(analytics, { operationName: 'PlatformStats', token: staff, variables: { from: today, to: today } }))).toBe('FORBIDDEN');
    const reversed = await report(staff, today, since);
    expect(codeOf(reversed)).toBe('BAD_USER_INPUT');
    expect(reversed.body.errors![0]!.extensions!.field).toBe('from');
  });

  it('two products bought together recommend each other', async () => {
    const [a, b] = await Promise.all([alsoBought(product[0]!.id), alsoBought(product[1]!.id)]);
    expect(a.body.data.product.alsoBought.map((p: any) => p.id)).toContain(product[1]!.id);
    expect(b.body.data.product.alsoBought.map((p: any) => p.id)).toContain(product[0]!.id);
    expect(a.body.data.product.salesCount).toBeGreaterThanOrEqual(3);
  });

  it('a redelivered event leaves the numbers unchanged', async () => {
    const before = await snapshot();
    const url = inject('subgraphUrls').analytics!;
    const duplicates = 'cloudlab_events_consumed_total{consumer="analytics",outcome="duplicate"}';
    const seen = await counter(url, duplicates);
    // The relay publishes the order's confirmation once more, as after a crash before it marked it sent.
    const resent = await subgraphDb('orders').query(`UPDATE outbox SET published_at = NULL WHERE aggregate_id = $1 AND type IN ('OrderPlaced', 'OrderConfirmed')`, [orderIds[0]]);
    expect(resent.rowCount).toBe(2);
    await expect.poll(() => counter(url, duplicates), { timeout: 15_000, interval: 100 }).toBeGreaterThanOrEqual(seen + 2);
    expect(await snapshot()).toBe(before);
  });

  it('after `pnpm rebuild analytics` the reports are byte for byte the same, and new orders keep arriving', async () => {
    const before = await snapshot();
    const { stdout } = await promisify(execFile)('node', ['--import', 'tsx', path.join(__dirname, '..', 'ops', 'rebuild.ts'), 'analytics'], {
      cwd: path.join(__dirname, '..'),
      env: { ...process.env, DATABASE_URL: inject('databaseUrl'), DB_PREFIX: inject('dbPrefix'), KAFKA_NAMESPACE: process.env.KAFKA_BROKERS ? inject('dbPrefix') : '' },
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(result.to).toBe(result.from + 1);
    expect(await snapshot()).toBe(before);
    // The running subgraph feeds the new generation from its next transaction on.
    await place([{ productId: product[0]!.id, quantity: 1 }]);
    await expect.poll(async () => (await report(staff)).body.data?.vendor.salesReport.orders, { timeout: 20_000, interval: 200 }).toBe(4);
  }, 120_000);
});

import path from 'node:path';
import { GraphQLError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Db, databaseUrl, dropDatabases, ensureDatabase } from '@cloudlab/kit';
import { migrate } from '@cloudlab/kit/db/migrate';
import { orderablePrices, productArchived, productPriced } from './price-list';

// Needs a PostgreSQL server: DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres).
describe.skipIf(!process.env.DATABASE_URL)("orders' price list, fed by catalog's events", () => {
  const serverUrl = process.env.DATABASE_URL!;
  const prefix = `pricelist_test_${process.pid}_`;
  let db: Db;
  const P = '11111111-1111-4111-8111-111111111111';
  const V = '22222222-2222-4222-8222-222222222222';
  const base = { productId: P, vendorId: V, currency: 'EUR' };
  const priceOf = async () => (await db.query('SELECT price, archived, version FROM product_prices WHERE product_id = $1', [P])).rows[0];
  const refusal = async (ids: string[]) => {
    const err = await orderablePrices(db, ids).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(GraphQLError);
    return { code: (err as GraphQLError).extensions.code, message: (err as GraphQLError).message };
  };

  beforeAll(async () => {
    await ensureDatabase(serverUrl, `${prefix}orders`);
    db = new Db(databaseUrl(serverUrl, `${prefix}orders`), 2);
    await migrate(db, path.join(__dirname, '..', 'migrations'));
  });
  afterAll(async () => {
    await db?.close();
    await dropDatabases(serverUrl, prefix);
  });

  it('keeps the newest price: a late, older update changes nothing', async () => {
    await productPriced(db, { ...base, version: 1, sku: 'S', name: 'N', description: '', price: '10.00', categoryId: V });
    await productPriced(db, { ...base, version: 3, price: '30.00' });
    await productPriced(db, { ...base, version: 2, price: '20.00' });
    expect(await priceOf()).toEqual({ price: '30.00', archived: false, version: 3 });
    expect((await orderablePrices(db, [P])).get(P)).toMatchObject({ vendor_id: V, price: '30.00' });
  });

  it('refuses archived products for good, and unknown ones, naming them', async () => {
    await productArchived(db, { productId: P, vendorId: V, version: 4 });
    await productPriced(db, { ...base, version: 2, price: '20.00' });
    expect(await priceOf()).toMatchObject({ archived: true, version: 4 });
    expect(await refusal([P])).toEqual({ code: 'BAD_USER_INPUT', message: `Archived product ${P} cannot be ordered` });
    const unknown = '33333333-3333-4333-8333-333333333333';
    expect(await refusal([unknown])).toEqual({ code: 'BAD_USER_INPUT', message: `Unknown product ${unknown}` });
  });

  it('an archive that overtakes the listing leaves a product that cannot be ordered', async () => {
    const Q = '44444444-4444-4444-8444-444444444444';
    await productArchived(db, { productId: Q, vendorId: V, version: 2 });
    await productPriced(db, { ...base, productId: Q, version: 1, sku: 'S', name: 'N', description: '', price: '10.00', categoryId: V });
    expect((await refusal([Q])).message).toMatch(/^Archived product/);
  });
});

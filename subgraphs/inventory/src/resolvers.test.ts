import { describe, it, expect } from 'vitest';
import { demoId, type Queryable } from '@cloudlab/kit';
import { createLoaders } from './loaders';
import { resolvers } from './resolvers';

/** Stands in for Postgres: answers the stock-totals statement from a table of totals and records every statement. */
function fakeDb(totals: Record<string, { available: number; reserved: number }>) {
  const statements: { sql: string; values: unknown[] }[] = [];
  const db: Queryable = {
    async query(sql: string, values: unknown[] = []) {
      statements.push({ sql, values });
      const ids = values[0] as string[];
      const rows = ids.filter((id) => totals[id]).map((id) => ({ product_id: id, ...totals[id]! }));
      return { rows, rowCount: rows.length, command: 'SELECT', oid: 0, fields: [] } as any;
    },
  };
  return { db, statements };
}

function context(db: Queryable) {
  return { db, loaders: createLoaders(db), viewer: null, log: console } as any;
}

/** What the gateway's `_entities` does: resolve each reference, then its fields, all in one tick. */
async function resolveEntities(ids: string[], ctx: any) {
  return Promise.all(
    ids.map(async (id) => {
      const p = resolvers.Product.__resolveReference({ id });
      return { stock: await resolvers.Product.stock(p, {}, ctx), inStock: await resolvers.Product.inStock(p, {}, ctx) };
    }),
  );
}

describe('inventory Product entity', () => {
  const products = Array.from({ length: 50 }, (_, i) => demoId('product', i));

  it('answers stock and inStock for 50 products with one statement', async () => {
    const totals = Object.fromEntries(products.map((id, i) => [id, { available: i % 3 === 0 ? 0 : i, reserved: 1 }]));
    const { db, statements } = fakeDb(totals);
    const result = await resolveEntities(products, context(db));

    expect(statements).toHaveLength(1);
    expect(statements[0]!.sql).toMatch(/product_id = ANY\(\$1::uuid\[\]\)[\s\S]*GROUP BY product_id/);
    expect(statements[0]!.values[0]).toEqual(products);
    expect(result[1]).toEqual({ stock: { available: 1, reserved: 1 }, inStock: true });
    expect(result[3]).toEqual({ stock: { available: 0, reserved: 1 }, inStock: false });
  });

  it('treats a product with no stock rows as 0 available, 0 reserved, not in stock', async () => {
    const { db } = fakeDb({});
    const [only] = await resolveEntities([products[0]!], context(db));
    expect(only).toEqual({ stock: { available: 0, reserved: 0 }, inStock: false });
  });

  it('never sends an id that is not a UUID to SQL, and answers it as unstocked', async () => {
    const { db, statements } = fakeDb({ [products[0]!]: { available: 5, reserved: 0 } });
    const result = await resolveEntities([products[0]!, 'not-a-uuid', "1'; DROP TABLE stock; --"], context(db));

    expect(statements).toHaveLength(1);
    expect(statements[0]!.values[0]).toEqual([products[0]]);
    expect(result.map((r) => r.inStock)).toEqual([true, false, false]);
  });

  it('asks nothing of SQL when every id in the batch is invalid', async () => {
    const { db, statements } = fakeDb({});
    const [only] = await resolveEntities(['nope'], context(db));
    expect(statements).toHaveLength(0);
    expect(only!.inStock).toBe(false);
  });
});

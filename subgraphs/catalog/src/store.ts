import type { Queryable } from '@cloudlab/kit';

export interface ProductRow {
  id: string;
  sku: string;
  name: string;
  description: string;
  price: string;
  currency: string;
  category_id: string;
  vendor_id: string;
  created_at: Date;
}
export interface CategoryRow {
  id: string;
  name: string;
  slug: string;
}

const PRODUCT_COLUMNS = 'id, sku, name, description, price, currency, category_id, vendor_id, created_at';

/** One page of products newest first, after the keyset position (createdAt, id). Fetches limit rows. */
export async function listProducts(
  q: Queryable,
  opts: { limit: number; after: [string, string] | null; categoryId: string | null },
): Promise<ProductRow[]> {
  const where: string[] = [];
  const values: unknown[] = [];
  if (opts.categoryId) {
    values.push(opts.categoryId);
    where.push(`category_id = $${values.length}`);
  }
  if (opts.after) {
    values.push(opts.after[0], opts.after[1]);
    where.push(`(created_at, id) < ($${values.length - 1}::timestamptz, $${values.length}::uuid)`);
  }
  values.push(opts.limit);
  const sql = `SELECT ${PRODUCT_COLUMNS} FROM products
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY created_at DESC, id DESC LIMIT $${values.length}`;
  return (await q.query<ProductRow>(sql, values)).rows;
}

/** Products in the catalog, or in one category: one row of product_counts (kept exact by triggers, migrations/002). */
export async function countProducts(q: Queryable, categoryId: string | null): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    'SELECT coalesce((SELECT n FROM product_counts WHERE category_id = $1::uuid), 0)::int AS n',
    [categoryId ?? ALL_CATEGORIES],
  );
  return rows[0]!.n;
}
const ALL_CATEGORIES = '00000000-0000-0000-0000-000000000000';

export async function productsByIds(q: Queryable, ids: readonly string[]): Promise<ProductRow[]> {
  return (await q.query<ProductRow>(`SELECT ${PRODUCT_COLUMNS} FROM products WHERE id = ANY($1::uuid[])`, [ids])).rows;
}

export async function categoriesByIds(q: Queryable, ids: readonly string[]): Promise<CategoryRow[]> {
  return (await q.query<CategoryRow>('SELECT id, name, slug FROM categories WHERE id = ANY($1::uuid[])', [ids])).rows;
}

export async function allCategories(q: Queryable): Promise<CategoryRow[]> {
  return (await q.query<CategoryRow>('SELECT id, name, slug FROM categories ORDER BY name')).rows;
}

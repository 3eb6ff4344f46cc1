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
  /** Set when the vendor archived it: out of listings and counts, still resolvable by id. */
  archived_at: Date | null;
  /** Counts the product's changes (1 when listed); its events carry it. */
  version: number;
}
export interface CategoryRow {
  id: string;
  name: string;
  slug: string;
}

const PRODUCT_COLUMNS = 'id, sku, name, description, price, currency, category_id, vendor_id, created_at, archived_at, version';

/** One page of live (not archived) products newest first, after the keyset position (createdAt, id). Fetches limit rows. */
export async function listProducts(
  q: Queryable,
  opts: { limit: number; after: [string, string] | null; categoryId: string | null },
): Promise<ProductRow[]> {
  const where: string[] = ['archived_at IS NULL'];
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
    WHERE ${where.join(' AND ')}
    ORDER BY created_at DESC, id DESC LIMIT $${values.length}`;
  return (await q.query<ProductRow>(sql, values)).rows;
}

/** Live products in the catalog, or in one category: one row of product_counts (kept exact by triggers, migrations/002). */
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

export async function categoryExists(q: Queryable, id: string): Promise<boolean> {
  return (await q.query('SELECT 1 FROM categories WHERE id = $1', [id])).rowCount === 1;
}

/** Lists a product; null when the vendor already has one with this sku. */
export async function insertProduct(
  q: Queryable,
  p: Pick<ProductRow, 'sku' | 'name' | 'description' | 'price' | 'currency' | 'category_id' | 'vendor_id'>,
): Promise<ProductRow | null> {
  const { rows } = await q.query<ProductRow>(
    `INSERT INTO products (sku, name, description, price, currency, category_id, vendor_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (vendor_id, sku) DO NOTHING
     RETURNING ${PRODUCT_COLUMNS}`,
    [p.sku, p.name, p.description, p.price, p.currency, p.category_id, p.vendor_id],
  );
  return rows[0] ?? null;
}

/** The product, locked for a change (two edits of one product never interleave their versions). */
export async function lockProduct(q: Queryable, id: string): Promise<ProductRow | null> {
  return (await q.query<ProductRow>(`SELECT ${PRODUCT_COLUMNS} FROM products WHERE id = $1 FOR UPDATE`, [id])).rows[0] ?? null;
}

export type ProductChanges = Partial<Pick<ProductRow, 'name' | 'description' | 'price' | 'category_id'>> & { archived?: true };

/** Applies the changes and counts a new version. */
export async function updateProduct(q: Queryable, id: string, c: ProductChanges): Promise<ProductRow> {
  const { rows } = await q.query<ProductRow>(
    `UPDATE products SET name = coalesce($2, name), description = coalesce($3, description), price = coalesce($4, price),
       category_id = coalesce($5, category_id), archived_at = CASE WHEN $6 THEN date_trunc('milliseconds', now()) ELSE archived_at END,
       version = version + 1
     WHERE id = $1 RETURNING ${PRODUCT_COLUMNS}`,
    [id, c.name ?? null, c.description ?? null, c.price ?? null, c.category_id ?? null, c.archived === true],
  );
  return rows[0]!;
}

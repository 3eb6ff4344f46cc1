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

/**
 * products is partitioned by category (migrations/004) and has no index that finds an id in every
 * partition at once: product_keys names the ids' categories, and the second statement names
 * them as values, so PostgreSQL plans only those partitions. A partition on another server that
 * holds none of the ids is not in the plan (not even opened: a foreign scan pruned while running
 * would still start a remote transaction), and the ones there are asked once, for all their ids.
 * PostgreSQL plans that statement anew for each call: a generic plan over every partition costs
 * more. A product moved to another category between the two statements is looked up once more.
 */
export async function productsByIds(q: Queryable, ids: readonly string[], again = true): Promise<ProductRow[]> {
  const keys = (await q.query<{ id: string; category_id: string }>('SELECT id, category_id FROM product_keys WHERE id = ANY($1::uuid[])', [ids])).rows;
  if (keys.length === 0) return [];
  const { rows } = await q.query<ProductRow>(
    `SELECT ${PRODUCT_COLUMNS} FROM products WHERE category_id = ANY($1::uuid[]) AND id = ANY($2::uuid[])`,
    [[...new Set(keys.map((k) => k.category_id))], keys.map((k) => k.id)],
  );
  if (rows.length === keys.length || !again) return rows;
  const found = new Set(rows.map((r) => r.id));
  return [...rows, ...(await productsByIds(q, keys.filter((k) => !found.has(k.id)).map((k) => k.id), false))];
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

/**
 * Lists a product; null when the vendor already has one with this sku. The sku's uniqueness is
 * product_keys' (products, partitioned, has no unique index): its row trigger's insert fails, and
 * with it this statement, so after null the transaction can only roll back.
 */
export async function insertProduct(
  q: Queryable,
  p: Pick<ProductRow, 'sku' | 'name' | 'description' | 'price' | 'currency' | 'category_id' | 'vendor_id'>,
): Promise<ProductRow | null> {
  try {
    const { rows } = await q.query<ProductRow>(
      `INSERT INTO products (sku, name, description, price, currency, category_id, vendor_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       RETURNING ${PRODUCT_COLUMNS}`,
      [p.sku, p.name, p.description, p.price, p.currency, p.category_id, p.vendor_id],
    );
    return rows[0]!;
  } catch (err) {
    const { code, constraint } = err as { code?: string; constraint?: string };
    if (code === '23505' && constraint === 'product_keys_vendor_sku') return null;
    throw err;
  }
}

/**
 * The product, locked for a change (two edits of one product never interleave their versions).
 * Its product_keys row is locked first, in a statement of its own, so an edit that moves the
 * product to another category has committed before the product is read. Such a move replaces the
 * key row (a DELETE and an INSERT, migrations/004): a lock that waited for the old row finds
 * nothing, and one more try finds the new one.
 */
export async function lockProduct(q: Queryable, id: string): Promise<ProductRow | null> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const key = (await q.query<{ category_id: string }>('SELECT category_id FROM product_keys WHERE id = $1 FOR UPDATE', [id])).rows[0];
    if (!key) continue;
    const { rows } = await q.query<ProductRow>(
      `SELECT ${PRODUCT_COLUMNS} FROM products WHERE category_id = $1 AND id = $2 FOR UPDATE`,
      [key.category_id, id],
    );
    return rows[0] ?? null;
  }
  return null;
}

export type ProductChanges = Partial<Pick<ProductRow, 'name' | 'description' | 'price' | 'category_id'>> & { archived?: true };

/**
 * Applies the changes to the product as lockProduct read it and counts a new version. Naming its
 * category lets PostgreSQL write one partition only. A new category moves the product between
 * partitions as a DELETE and an INSERT of its own: PostgreSQL does the same for an UPDATE that
 * moves a row, but not out of a partition on another server (postgres_fdw updates the remote
 * row in place, which that partition's CHECK refuses).
 */
export async function updateProduct(q: Queryable, current: Pick<ProductRow, 'id' | 'category_id'>, c: ProductChanges): Promise<ProductRow> {
  const moves = c.category_id !== undefined && c.category_id !== current.category_id;
  const set = {
    name: 'coalesce($3, name)',
    description: 'coalesce($4, description)',
    price: 'coalesce($5, price)',
    archived_at: "CASE WHEN $6 THEN date_trunc('milliseconds', now()) ELSE archived_at END",
    version: 'version + 1',
  };
  const values = [current.id, current.category_id, c.name ?? null, c.description ?? null, c.price ?? null, c.archived === true];
  const sql = moves
    ? `WITH moved AS (DELETE FROM products WHERE category_id = $2 AND id = $1 RETURNING *)
       INSERT INTO products (${PRODUCT_COLUMNS})
       SELECT id, sku, ${set.name}, ${set.description}, ${set.price}, currency, $7::uuid, vendor_id, created_at, ${set.archived_at}, ${set.version} FROM moved
       RETURNING ${PRODUCT_COLUMNS}`
    : `UPDATE products SET name = ${set.name}, description = ${set.description}, price = ${set.price},
         archived_at = ${set.archived_at}, version = ${set.version}
       WHERE category_id = $2 AND id = $1 RETURNING ${PRODUCT_COLUMNS}`;
  const { rows } = await q.query<ProductRow>(sql, moves ? [...values, c.category_id] : values);
  return rows[0]!;
}

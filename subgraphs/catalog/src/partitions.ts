import { Db, type Queryable } from '@cloudlab/kit';

/**
 * Where each category's products live (migrations/004): a partition of products here, or a
 * postgres_fdw foreign table whose rows are on another PostgreSQL server (`server`).
 */
export interface CategoryPartition {
  categoryId: string;
  slug: string;
  partition: string;
  server: string | null;
}

export async function categoryPartitions(q: Queryable): Promise<CategoryPartition[]> {
  const { rows } = await q.query<CategoryPartition>(
    `SELECT c.id AS "categoryId", c.slug, p.relname AS partition, s.srvname AS server
     FROM categories c
     JOIN pg_class p ON p.relname = 'products_' || replace(c.id::text, '-', '')
     JOIN pg_inherits i ON i.inhrelid = p.oid AND i.inhparent = 'products'::regclass
     LEFT JOIN pg_foreign_table f ON f.ftrelid = p.oid
     LEFT JOIN pg_foreign_server s ON s.oid = f.ftserver
     ORDER BY c.name`,
  );
  return rows;
}

/**
 * Moves one category's products to another PostgreSQL server and leaves a foreign table in their
 * partition's place, so the catalog keeps reading and writing them through `products`.
 *
 * On `remoteUrl`'s database: a table named like the partition, with products' columns and CHECKs,
 * its indexes, a primary key on id and a CHECK that holds the category (postgres_fdw writes a
 * product's change on the remote row in place; only that CHECK stops one moving category there).
 * Here: postgres_fdw, the foreign server `server` and a user mapping for the current user
 * (superuser rights needed); then, in one transaction that locks products (reads wait), the local
 * partition is detached, the foreign table attached in its place, the rows copied over and the
 * local table dropped. Running it again for a category that is already remote changes nothing.
 * Nothing makes the remote commit and the local one atomic (no two-phase commit): after a local
 * failure the remote table keeps rows the next run empties first.
 */
export async function placeCategory(catalog: Db, opts: { categoryId: string; server: string; remoteUrl: string }): Promise<CategoryPartition> {
  if (!/^[a-z][a-z0-9_]*$/.test(opts.server)) throw new Error(`server name ${opts.server}: lower-case letters, digits and _ only`);
  const { rows: [category] } = await catalog.query<{ partition: string }>(
    'SELECT products_partition(id)::text AS partition FROM categories WHERE id = $1::uuid',
    [opts.categoryId],
  );
  if (!category) throw new Error(`no category ${opts.categoryId}`);
  const partition = category.partition;
  const placed = (await categoryPartitions(catalog)).find((p) => p.partition === partition)!;
  if (placed.server === opts.server) return placed;
  if (placed.server) throw new Error(`${partition} is on server ${placed.server} already`);

  const remote = new Db(opts.remoteUrl, 1, null);
  try {
    for (const sql of await remoteDefinition(catalog, partition, opts.categoryId)) await remote.query(sql);
    await remote.query(`TRUNCATE ${partition}`);
  } finally {
    await remote.close();
  }

  const url = new URL(opts.remoteUrl);
  const statements = await catalog.query<{ sql: string }>(
    `SELECT unnest(ARRAY[
       'CREATE EXTENSION IF NOT EXISTS postgres_fdw',
       format('CREATE SERVER IF NOT EXISTS %I FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host %L, port %L, dbname %L)', $1::text, $2::text, $3::text, $4::text),
       format('CREATE USER MAPPING IF NOT EXISTS FOR CURRENT_USER SERVER %I OPTIONS (user %L%s)', $1, $5::text,
         CASE WHEN $6::text <> '' THEN format(', password %L', $6) ELSE '' END)
     ]) AS sql`,
    [opts.server, url.hostname, url.port || '5432', url.pathname.slice(1), decodeURIComponent(url.username) || 'postgres', decodeURIComponent(url.password)],
  );
  for (const { sql } of statements.rows) await catalog.query(sql);

  const local = `${partition}_local`;
  await catalog.tx(async (q) => {
    await q.query(`ALTER TABLE products DETACH PARTITION ${partition}`);
    await q.query(`ALTER TABLE ${partition} RENAME TO ${local}`);
    const attach = await q.query<{ sql: string }>(
      `SELECT format('CREATE FOREIGN TABLE %I PARTITION OF products FOR VALUES IN (%L) SERVER %I OPTIONS (schema_name %L, table_name %L)',
         $1::text, $2::uuid, $3::text, 'public', $1::text) AS sql`,
      [partition, opts.categoryId, opts.server],
    );
    await q.query(attach.rows[0]!.sql);
    // The rows keep their product_keys and are counted already: the row trigger stays off for the copy.
    await q.query(`ALTER FOREIGN TABLE ${partition} DISABLE TRIGGER USER`);
    await q.query(`INSERT INTO ${partition} SELECT * FROM ${local}`);
    await q.query(`ALTER FOREIGN TABLE ${partition} ENABLE TRIGGER USER`);
    await q.query(`DROP TABLE ${local}`);
  });
  // Without statistics the planner guesses the remote table tiny and sorts a listing here instead
  // of asking the remote server for its rows in index order.
  await catalog.query(`ANALYZE ${partition}`);
  return { ...placed, server: opts.server };
}

/** CREATE statements for the remote table of `partition`, made from products as it is here. */
async function remoteDefinition(q: Queryable, partition: string, categoryId: string): Promise<string[]> {
  const { rows } = await q.query<{ sql: string }>(
    `SELECT format('CREATE TABLE IF NOT EXISTS %I (%s, PRIMARY KEY (id), CHECK (category_id = %L)%s)', $1::text,
       (SELECT string_agg(format('%I %s%s', attname, format_type(atttypid, atttypmod), CASE WHEN attnotnull THEN ' NOT NULL' ELSE '' END), ', ' ORDER BY attnum)
        FROM pg_attribute WHERE attrelid = 'products'::regclass AND attnum > 0 AND NOT attisdropped),
       $2::uuid,
       (SELECT coalesce(string_agg(', ' || pg_get_constraintdef(oid), ''), '') FROM pg_constraint WHERE conrelid = 'products'::regclass AND contype = 'c')) AS sql
     UNION ALL
     SELECT regexp_replace(pg_get_indexdef(indexrelid), '^CREATE INDEX (\\S+) ON (ONLY )?\\S+', format('CREATE INDEX IF NOT EXISTS %s_\\1 ON %I', $1::text, $1::text))
     FROM pg_index WHERE indrelid = 'products'::regclass`,
    [partition, categoryId],
  );
  return rows.map((r) => r.sql);
}

import type { Queryable } from './pool';

/**
 * Inserts many rows with one statement per chunk: each column travels as one array parameter
 * and `unnest` turns the arrays back into rows. `types` are the Postgres array element types.
 */
export async function insertRows(
  q: Queryable,
  table: string,
  columns: Record<string, string>,
  rows: Record<string, unknown>[],
  chunk = 5000,
): Promise<void> {
  const names = Object.keys(columns);
  const select = names.map((n, i) => `$${i + 1}::${columns[n]}[]`).join(', ');
  const sql = `INSERT INTO ${table} (${names.join(', ')}) SELECT * FROM unnest(${select})`;
  for (let start = 0; start < rows.length; start += chunk) {
    const part = rows.slice(start, start + chunk);
    await q.query(sql, names.map((n) => part.map((r) => r[n] ?? null)));
  }
}

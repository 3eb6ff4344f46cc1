import type { Queryable } from '@cloudlab/kit';
import { fromMicros } from './decimal';
import type { Difference, Line, OrderState } from './projection';

/** The order as the projection knows it, locked for this transaction (a row is made for an unknown order). */
export async function lockOrder(q: Queryable, orderId: string): Promise<OrderState> {
  await q.query('INSERT INTO orders (order_id) VALUES ($1) ON CONFLICT DO NOTHING', [orderId]);
  const { rows } = await q.query<{ day: string | null; currency: string | null; lines: Line[] | null; confirmed: boolean; cancelled: boolean; refunded: boolean }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, currency, lines, confirmed, cancelled, refunded FROM orders WHERE order_id = $1 FOR UPDATE`,
    [orderId],
  );
  return rows[0]!;
}

export async function saveOrder(q: Queryable, orderId: string, s: OrderState): Promise<void> {
  await q.query(
    'UPDATE orders SET day = $2, currency = $3, lines = $4, confirmed = $5, cancelled = $6, refunded = $7 WHERE order_id = $1',
    [orderId, s.day, s.currency, s.lines ? JSON.stringify(s.lines) : null, s.confirmed, s.cancelled, s.refunded],
  );
}

/** Adds a difference to every table it touches, in one statement per table. */
export async function applyDifference(q: Queryable, d: Difference): Promise<void> {
  const vendors = [...d.vendors].sort(([a], [b]) => (a < b ? -1 : 1));
  if (vendors.length) {
    await q.query(
      `INSERT INTO vendor_daily AS t (vendor_id, day, currency, orders, units, revenue, cancellations, refunds)
       SELECT v, $2::date, $3, o, u, r, c, f
         FROM unnest($1::uuid[], $4::int[], $5::int[], $6::numeric[], $7::int[], $8::int[]) AS x(v, o, u, r, c, f)
       ON CONFLICT (vendor_id, day, currency) DO UPDATE SET orders = t.orders + EXCLUDED.orders, units = t.units + EXCLUDED.units,
         revenue = t.revenue + EXCLUDED.revenue, cancellations = t.cancellations + EXCLUDED.cancellations, refunds = t.refunds + EXCLUDED.refunds`,
      [
        vendors.map(([id]) => id), d.day, d.currency, vendors.map(([, v]) => v.orders), vendors.map(([, v]) => v.units),
        vendors.map(([, v]) => fromMicros(v.revenue)), vendors.map(([, v]) => v.cancellations), vendors.map(([, v]) => v.refunds),
      ],
    );
  }
  const products = [...d.products].sort(([a], [b]) => (a < b ? -1 : 1));
  if (products.length) {
    const cols = [products.map(([id]) => id), products.map(([, p]) => p.vendorId), products.map(([, p]) => p.orders), products.map(([, p]) => p.units), products.map(([, p]) => fromMicros(p.revenue))];
    await q.query(
      `INSERT INTO product_daily AS t (product_id, vendor_id, day, currency, orders, units, revenue)
       SELECT p, v, $3::date, $4, o, u, r FROM unnest($1::uuid[], $2::uuid[], $5::int[], $6::int[], $7::numeric[]) AS x(p, v, o, u, r)
       ON CONFLICT (product_id, day, currency) DO UPDATE SET orders = t.orders + EXCLUDED.orders, units = t.units + EXCLUDED.units, revenue = t.revenue + EXCLUDED.revenue`,
      [cols[0], cols[1], d.day, d.currency, cols[2], cols[3], cols[4]],
    );
    await q.query(
      `INSERT INTO product_sales AS t (product_id, units) SELECT * FROM unnest($1::uuid[], $2::int[])
       ON CONFLICT (product_id) DO UPDATE SET units = t.units + EXCLUDED.units`,
      [cols[0], cols[3]],
    );
  }
  if (d.platform.orders || d.platform.revenue) {
    await q.query(
      `INSERT INTO platform_daily AS t (day, currency, orders, revenue) VALUES ($1, $2, $3, $4)
       ON CONFLICT (day, currency) DO UPDATE SET orders = t.orders + EXCLUDED.orders, revenue = t.revenue + EXCLUDED.revenue`,
      [d.day, d.currency, d.platform.orders, fromMicros(d.platform.revenue)],
    );
  }
  if (d.pairs.length) {
    // Both directions, so "bought with X" is one index range scan on X; summed per pair first (a
    // batch may hold the same pair twice, and one statement may not update a row twice).
    const sums = new Map<string, number>();
    for (const p of d.pairs) for (const key of [`${p.a} ${p.b}`, `${p.b} ${p.a}`]) sums.set(key, (sums.get(key) ?? 0) + p.delta);
    const both = [...sums].filter(([, n]) => n !== 0).map(([key, n]) => [...key.split(' '), n] as [string, string, number]).sort((x, y) => (x[0] + x[1] < y[0] + y[1] ? -1 : 1));
    await q.query(
      `INSERT INTO co_purchases AS t (product_id, other_id, orders) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[])
       ON CONFLICT (product_id, other_id) DO UPDATE SET orders = t.orders + EXCLUDED.orders`,
      [both.map((x) => x[0]), both.map((x) => x[1]), both.map((x) => x[2])],
    );
  }
}

/**
 * The monthly partitions of the daily tables for these days, made when missing. Called first in a
 * batch's transaction (the consumer's `prepare`), before it writes any daily row: creating a
 * partition locks the parent table, and a batch that already held rows in it while waiting for
 * another batch's partition would deadlock with it. The advisory lock makes racing batches
 * create a month once; the catalog check keeps it one statement when nothing is missing.
 */
export async function ensureMonths(q: Queryable, days: Iterable<string>): Promise<void> {
  const months = [...new Set([...days].map((d) => d.slice(0, 7).replace('-', '')))].sort();
  if (!months.length) return;
  const missing = async () =>
    (
      await q.query<{ m: string }>(
        `SELECT m FROM unnest($1::text[]) AS m WHERE to_regclass('vendor_daily_p' || m) IS NULL OR to_regclass('product_daily_p' || m) IS NULL`,
        [months],
      )
    ).rows.map((r) => r.m);
  if (!(await missing()).length) return;
  await q.query('SELECT pg_advisory_xact_lock(7262016)');
  for (const m of await missing()) {
    const start = `${m.slice(0, 4)}-${m.slice(4)}-01`;
    const next = new Date(`${start}T00:00:00Z`);
    next.setUTCMonth(next.getUTCMonth() + 1);
    const end = next.toISOString().slice(0, 10);
    for (const table of ['vendor_daily', 'product_daily']) {
      await q.query(`CREATE TABLE IF NOT EXISTS ${table}_p${m} PARTITION OF ${table} FOR VALUES FROM ('${start}') TO ('${end}')`);
    }
  }
}

/** The days of orders the projection already knows (for events that do not carry the day). */
export async function daysOfOrders(q: Queryable, orderIds: string[]): Promise<string[]> {
  if (!orderIds.length) return [];
  const { rows } = await q.query<{ day: string }>(
    `SELECT DISTINCT to_char(day, 'YYYY-MM-DD') AS day FROM orders WHERE order_id = ANY($1::uuid[]) AND day IS NOT NULL`,
    [orderIds],
  );
  return rows.map((r) => r.day);
}

/** Drops the monthly partitions (and the orders) older than `months` months; returns the partitions dropped. */
export async function dropExpired(q: Queryable, months: number): Promise<string[]> {
  const cutoff = new Date();
  cutoff.setUTCDate(1);
  cutoff.setUTCMonth(cutoff.getUTCMonth() - months);
  const before = cutoff.toISOString().slice(0, 7).replace('-', '');
  const { rows } = await q.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
      WHERE p.relname IN ('vendor_daily', 'product_daily') AND c.relnamespace = current_schema()::regnamespace
        AND substring(c.relname from '_p([0-9]{6})$') < $1`,
    [before],
  );
  for (const { name } of rows) await q.query(`DROP TABLE ${name}`);
  await q.query('DELETE FROM orders WHERE day < $1::date', [`${cutoff.toISOString().slice(0, 10)}`]);
  return rows.map((r) => r.name);
}

import type { Queryable } from '@cloudlab/kit';
import type { Granularity } from './periods';

/** Report queries over the daily tables; ranges are ISO dates, inclusive. Amounts stay decimal strings. */
export interface PeriodRow {
  period: string;
  currency: string;
  orders: number;
  units: number;
  revenue: string;
  cancellations: number;
}

const TRUNC: Record<Granularity, string> = { DAY: 'day', WEEK: 'week', MONTH: 'month' };

export async function vendorPeriods(q: Queryable, vendorId: string, from: string, to: string, g: Granularity): Promise<PeriodRow[]> {
  const { rows } = await q.query<PeriodRow>(
    `SELECT to_char(date_trunc($4, day), 'YYYY-MM-DD') AS period, currency, sum(orders)::int AS orders, sum(units)::int AS units,
            sum(revenue)::text AS revenue, sum(cancellations)::int AS cancellations
       FROM vendor_daily WHERE vendor_id = $1 AND day BETWEEN $2::date AND $3::date
      GROUP BY 1, 2 ORDER BY 1, 2`,
    [vendorId, from, to, TRUNC[g]],
  );
  return rows;
}

export interface RankedRow {
  id: string;
  units: number;
  orders: number;
  revenue: { amount: string; currency: string }[];
}

/** A vendor's products by units sold in the range (ties: more orders, then id). */
export async function topProducts(q: Queryable, vendorId: string, from: string, to: string, first: number): Promise<RankedRow[]> {
  const { rows } = await q.query<RankedRow>(
    `WITH per AS (
       SELECT product_id, currency, sum(units)::int AS units, sum(orders)::int AS orders, sum(revenue) AS revenue
         FROM product_daily WHERE vendor_id = $1 AND day BETWEEN $2::date AND $3::date GROUP BY 1, 2)
     SELECT product_id AS id, sum(units)::int AS units, sum(orders)::int AS orders,
            json_agg(json_build_object('amount', round(revenue, 2)::text, 'currency', currency) ORDER BY currency) AS revenue
       FROM per GROUP BY product_id HAVING sum(units) > 0
      ORDER BY units DESC, orders DESC, id LIMIT $4`,
    [vendorId, from, to, first],
  );
  return rows;
}

export interface Platform {
  from: string;
  to: string;
  orders: number;
  revenue: { amount: string; currency: string }[];
  activeVendors: number;
}

export async function platformTotals(q: Queryable, from: string, to: string): Promise<Platform> {
  const [totals, vendors] = await Promise.all([
    q.query<{ currency: string; orders: number; revenue: string }>(
      `SELECT currency, sum(orders)::int AS orders, round(sum(revenue), 2)::text AS revenue
         FROM platform_daily WHERE day BETWEEN $1::date AND $2::date GROUP BY currency ORDER BY currency`,
      [from, to],
    ),
    q.query<{ active: number }>(
      `SELECT count(*)::int AS active FROM (
         SELECT vendor_id FROM vendor_daily WHERE day BETWEEN $1::date AND $2::date GROUP BY vendor_id HAVING sum(orders) > 0) v`,
      [from, to],
    ),
  ]);
  return {
    from, to,
    orders: totals.rows.reduce((n, r) => n + r.orders, 0),
    revenue: totals.rows.map((r) => ({ amount: r.revenue, currency: r.currency })),
    activeVendors: vendors.rows[0]?.active ?? 0,
  };
}

/** Vendors by orders in the range (ties: units, then id). */
export async function topVendors(q: Queryable, from: string, to: string, first: number): Promise<RankedRow[]> {
  const { rows } = await q.query<RankedRow>(
    `WITH per AS (
       SELECT vendor_id, currency, sum(units)::int AS units, sum(orders)::int AS orders, sum(revenue) AS revenue
         FROM vendor_daily WHERE day BETWEEN $1::date AND $2::date GROUP BY 1, 2)
     SELECT vendor_id AS id, sum(units)::int AS units, sum(orders)::int AS orders,
            json_agg(json_build_object('amount', round(revenue, 2)::text, 'currency', currency) ORDER BY currency) AS revenue
       FROM per GROUP BY vendor_id HAVING sum(orders) > 0
      ORDER BY orders DESC, units DESC, id LIMIT $3`,
    [from, to, first],
  );
  return rows;
}

export async function salesCounts(q: Queryable, ids: readonly string[]) {
  if (!ids.length) return [];
  return (await q.query<{ product_id: string; units: number }>('SELECT product_id, units FROM product_sales WHERE product_id = ANY($1::uuid[])', [ids])).rows;
}

/** For each product, the products bought with it most often (in orders that are still sales). */
export async function alsoBought(q: Queryable, ids: readonly string[], first: number) {
  if (!ids.length) return [];
  return (
    await q.query<{ product_id: string; other_id: string }>(
      `SELECT c.product_id, c.other_id FROM unnest($1::uuid[]) AS p(id)
         CROSS JOIN LATERAL (SELECT product_id, other_id FROM co_purchases WHERE product_id = p.id AND orders > 0
                              ORDER BY orders DESC, other_id LIMIT $2) c`,
      [ids, first],
    )
  ).rows;
}

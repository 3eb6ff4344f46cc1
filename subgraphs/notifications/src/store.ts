import type { Connection, Queryable } from '@cloudlab/kit';
import type { Notice, OrderLine } from './notices';

/** Notifications' SQL: one function per statement. */
export interface NotificationRow {
  id: string;
  user_id: string | null;
  vendor_id: string | null;
  kind: string;
  title: string;
  body: string;
  link: string;
  created_at: Date;
  read_at: Date | null;
}

/** A page of the feed with the viewer's counts. */
export type NotificationPage = Connection<NotificationRow> & { unreadCount: number; totalCount: number };

/** The viewer's own notifications and, for vendor staff, their vendor's. */
const MINE = '(user_id = $1 OR ($2::uuid IS NOT NULL AND vendor_id = $2::uuid))';

/** Inserts unless this id exists; the row when it is new (so only a new one is announced). */
export async function insertNotification(q: Queryable, id: string, eventId: string, n: Notice, at: string): Promise<NotificationRow | null> {
  const { rows } = await q.query<NotificationRow>(
    `INSERT INTO notifications (id, user_id, vendor_id, kind, title, body, link, source_event_id, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING RETURNING *`,
    [id, n.recipient.userId ?? null, n.recipient.vendorId ?? null, n.kind, n.title, n.body, n.link, eventId, at],
  );
  return rows[0] ?? null;
}

export async function page(
  q: Queryable, userId: string, vendorId: string | null, opts: { first: number; after: [string, string] | null; unreadOnly: boolean },
): Promise<NotificationRow[]> {
  const params: unknown[] = [userId, vendorId, opts.first + 1, opts.unreadOnly];
  let keyset = '';
  if (opts.after) {
    params.push(opts.after[0], opts.after[1]);
    keyset = 'AND (created_at, id) < ($5::timestamptz, $6::uuid)';
  }
  const { rows } = await q.query<NotificationRow>(
    `SELECT * FROM notifications WHERE ${MINE} AND (NOT $4 OR read_at IS NULL) ${keyset}
     ORDER BY created_at DESC, id DESC LIMIT $3`,
    params,
  );
  return rows;
}

export async function counts(q: Queryable, userId: string, vendorId: string | null): Promise<{ total: number; unread: number }> {
  const { rows } = await q.query<{ total: number; unread: number }>(
    `SELECT count(*)::int AS total, (count(*) FILTER (WHERE read_at IS NULL))::int AS unread FROM notifications WHERE ${MINE}`,
    [userId, vendorId],
  );
  return rows[0]!;
}

/** Marks the viewer's own (listed, or all) unread notifications read; other ids are ignored. */
export async function markRead(q: Queryable, userId: string, vendorId: string | null, ids: string[] | null): Promise<void> {
  await q.query(
    `UPDATE notifications SET read_at = now() WHERE ${MINE} AND read_at IS NULL AND ($3::uuid[] IS NULL OR id = ANY($3::uuid[]))`,
    [userId, vendorId, ids],
  );
}

export async function dropOlderThan(q: Queryable, days: number): Promise<number> {
  const r = await q.query(`DELETE FROM notifications WHERE created_at < now() - make_interval(days => $1)`, [days]);
  return r.rowCount ?? 0;
}

// ---- stock watches (user state, survives rebuilds)

export async function addWatch(q: Queryable, userId: string, productId: string): Promise<void> {
  await q.query('INSERT INTO stock_watches (user_id, product_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [userId, productId]);
}

/** Ends the watches on `productId` made before `at` (a replayed old restock ends no newer watch). */
export async function takeWatches(q: Queryable, productId: string, at: string): Promise<string[]> {
  const { rows } = await q.query<{ user_id: string }>(
    'DELETE FROM stock_watches WHERE product_id = $1 AND created_at < $2 RETURNING user_id',
    [productId, at],
  );
  return rows.map((r) => r.user_id);
}

// ---- read model (rebuilt from events)

export async function saveOrder(q: Queryable, orderId: string, customerId: string, lines: OrderLine[]): Promise<void> {
  await q.query('INSERT INTO known_orders (order_id, customer_id, lines) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
    orderId, customerId, JSON.stringify(lines),
  ]);
}

export async function orderOf(q: Queryable, orderId: string): Promise<{ customer_id: string; lines: OrderLine[] } | null> {
  const { rows } = await q.query<{ customer_id: string; lines: OrderLine[] }>('SELECT customer_id, lines FROM known_orders WHERE order_id = $1', [orderId]);
  return rows[0] ?? null;
}

/** `name` null keeps the known name (order lines carry none). */
export async function saveProduct(q: Queryable, productId: string, vendorId: string, name: string | null): Promise<void> {
  await q.query(
    `INSERT INTO known_products (product_id, vendor_id, name) VALUES ($1, $2, $3)
     ON CONFLICT (product_id) DO UPDATE SET vendor_id = EXCLUDED.vendor_id, name = COALESCE(EXCLUDED.name, known_products.name)`,
    [productId, vendorId, name],
  );
}

export async function productOf(q: Queryable, productId: string): Promise<{ vendor_id: string; name: string | null } | null> {
  const { rows } = await q.query<{ vendor_id: string; name: string | null }>('SELECT vendor_id, name FROM known_products WHERE product_id = $1', [productId]);
  return rows[0] ?? null;
}

export async function stockOf(q: Queryable, productId: string, lock = false): Promise<{ available: number; low: boolean } | null> {
  const { rows } = await q.query<{ available: number; low: boolean }>(
    `SELECT available, low FROM stock_levels WHERE product_id = $1${lock ? ' FOR UPDATE' : ''}`,
    [productId],
  );
  return rows[0] ?? null;
}

export async function saveStock(q: Queryable, productId: string, available: number, low: boolean): Promise<void> {
  await q.query(
    `INSERT INTO stock_levels (product_id, available, low) VALUES ($1, $2, $3)
     ON CONFLICT (product_id) DO UPDATE SET available = EXCLUDED.available, low = EXCLUDED.low`,
    [productId, available, low],
  );
}

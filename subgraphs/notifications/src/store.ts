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

// ---- e-mail (own state, survives rebuilds)

export async function saveUser(q: Queryable, userId: string, email: string, name: string): Promise<void> {
  await q.query('INSERT INTO known_users (user_id, email, name) VALUES ($1, $2, $3) ON CONFLICT (user_id) DO UPDATE SET email = EXCLUDED.email, name = EXCLUDED.name', [
    userId, email, name,
  ]);
}

/** The user's address and whether they want `kind` by e-mail (`defaults` without a choice of their own). */
export async function mailTarget(q: Queryable, userId: string, kind: string, defaults: readonly string[]): Promise<{ email: string; name: string } | null> {
  const { rows } = await q.query<{ email: string; name: string }>(
    `SELECT u.email, u.name FROM known_users u LEFT JOIN notification_preferences p ON p.user_id = u.user_id
     WHERE u.user_id = $1 AND $2 = ANY(COALESCE(p.email_kinds, $3::text[]))`,
    [userId, kind, defaults],
  );
  return rows[0] ?? null;
}

export async function enqueueEmail(
  q: Queryable, notificationId: string, kind: string, to: string, mail: { subject: string; html: string; text: string }, eventTime: string,
): Promise<void> {
  await q.query(
    `INSERT INTO email_outbox (notification_id, kind, to_address, subject, html, text, event_time)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
    [notificationId, kind, to, mail.subject, mail.html, mail.text, eventTime],
  );
}

export interface OutboxMail {
  notification_id: string;
  kind: string;
  to_address: string;
  subject: string;
  html: string;
  text: string;
  attempts: number;
  event_time: Date;
}

/** Due mail, locked for this transaction; other instances skip it. */
export async function claimDueEmails(q: Queryable, limit: number): Promise<OutboxMail[]> {
  const { rows } = await q.query<OutboxMail>(
    `SELECT notification_id, kind, to_address, subject, html, text, attempts, event_time FROM email_outbox
     WHERE state = 'PENDING' AND next_attempt_at <= now() ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
    [limit],
  );
  return rows;
}

export async function markEmailSent(q: Queryable, id: string): Promise<void> {
  // clock_timestamp(): the moment this mail was accepted, not the start of the batch's transaction.
  await q.query(`UPDATE email_outbox SET state = 'SENT', attempts = attempts + 1, sent_at = clock_timestamp(), last_error = NULL WHERE notification_id = $1`, [id]);
}

/** A failed attempt: retried after `retryInMs`, or DEAD when `retryInMs` is null. */
export async function markEmailFailed(q: Queryable, id: string, error: string, retryInMs: number | null): Promise<void> {
  await q.query(
    `UPDATE email_outbox SET attempts = attempts + 1, last_error = $2,
       state = CASE WHEN $3::int IS NULL THEN 'DEAD' ELSE 'PENDING' END,
       next_attempt_at = now() + make_interval(secs => COALESCE($3::int, 0) / 1000.0)
     WHERE notification_id = $1`,
    [id, error.slice(0, 1000), retryInMs],
  );
}

export async function emailKinds(q: Queryable, userId: string): Promise<string[] | null> {
  const { rows } = await q.query<{ email_kinds: string[] }>('SELECT email_kinds FROM notification_preferences WHERE user_id = $1', [userId]);
  return rows[0]?.email_kinds ?? null;
}

export async function setEmailKinds(q: Queryable, userId: string, kinds: string[]): Promise<void> {
  await q.query(
    `INSERT INTO notification_preferences (user_id, email_kinds) VALUES ($1, $2)
     ON CONFLICT (user_id) DO UPDATE SET email_kinds = EXCLUDED.email_kinds, updated_at = now()`,
    [userId, kinds],
  );
}

export interface DevMail {
  id: string;
  message_id: string | null;
  received_at: Date;
  from_address: string;
  to_address: string;
  subject: string;
  html: string | null;
  text: string | null;
}

export async function saveDevMail(q: Queryable, m: Omit<DevMail, 'id' | 'received_at'>): Promise<void> {
  await q.query(
    `INSERT INTO dev_mailbox (message_id, from_address, to_address, subject, html, text) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (message_id) DO NOTHING`,
    [m.message_id, m.from_address, m.to_address, m.subject, m.html, m.text],
  );
}

export async function devMails(q: Queryable, to: string | null, limit: number): Promise<DevMail[]> {
  const { rows } = await q.query<DevMail>('SELECT * FROM dev_mailbox WHERE ($1::text IS NULL OR to_address = $1) ORDER BY id DESC LIMIT $2', [to, limit]);
  return rows;
}

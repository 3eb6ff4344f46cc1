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

/** A notification to store: its id is derived from (event, kind, recipient) (notices.noticeId). */
export interface NewNotification {
  id: string;
  eventId: string;
  notice: Notice;
  /** The event's time (the notification's createdAt). */
  at: string;
}

/**
 * Inserts the batch's notifications in one statement, skipping ids that exist (a redelivered or
 * replayed event); the rows that are new, so only those are announced and mailed.
 */
export async function insertNotifications(q: Queryable, list: NewNotification[]): Promise<NotificationRow[]> {
  if (!list.length) return [];
  const { rows } = await q.query<NotificationRow>(
    `INSERT INTO notifications (id, user_id, vendor_id, kind, title, body, link, source_event_id, created_at)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::uuid[], $9::timestamptz[])
     ON CONFLICT (id) DO NOTHING RETURNING *`,
    [
      list.map((n) => n.id),
      list.map((n) => n.notice.recipient.userId ?? null),
      list.map((n) => n.notice.recipient.vendorId ?? null),
      list.map((n) => n.notice.kind),
      list.map((n) => n.notice.title),
      list.map((n) => n.notice.body),
      list.map((n) => n.notice.link),
      list.map((n) => n.eventId),
      list.map((n) => n.at),
    ],
  );
  return rows;
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

/**
 * Ends the watches that the batch's restocks (StockChanged with something available, in batch
 * order) answer: a watch goes to the first restock of its product made after the watch (so a
 * replayed old restock ends no newer watch). `n` is that restock's 1-based position in the list.
 */
export async function takeWatches(q: Queryable, restocks: { productId: string; at: string }[]): Promise<{ user_id: string; product_id: string; n: number }[]> {
  if (!restocks.length) return [];
  const { rows } = await q.query<{ user_id: string; product_id: string; n: number }>(
    `WITH r AS (SELECT * FROM unnest($1::uuid[], $2::timestamptz[]) WITH ORDINALITY AS r(product_id, at, n)),
     taken AS (
       DELETE FROM stock_watches w USING (SELECT product_id, max(at) AS at FROM r GROUP BY product_id) last
       WHERE w.product_id = last.product_id AND w.created_at < last.at
       RETURNING w.user_id, w.product_id, w.created_at)
     SELECT t.user_id, t.product_id, (SELECT min(r.n) FROM r WHERE r.product_id = t.product_id AND r.at > t.created_at)::int AS n
     FROM taken t ORDER BY n, t.user_id`,
    [restocks.map((r) => r.productId), restocks.map((r) => r.at)],
  );
  return rows;
}

// ---- read model (rebuilt from events)

export interface KnownOrder {
  customer_id: string;
  lines: OrderLine[];
}

/** Orders placed in the batch, first OrderPlaced of each (a later one of the same order changes nothing). */
export async function saveOrders(q: Queryable, orders: Map<string, { customerId: string; lines: OrderLine[] }>): Promise<void> {
  if (!orders.size) return;
  const ids = [...orders.keys()].sort();
  await q.query(
    `INSERT INTO known_orders (order_id, customer_id, lines)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::jsonb[]) ON CONFLICT DO NOTHING`,
    [ids, ids.map((id) => orders.get(id)!.customerId), ids.map((id) => JSON.stringify(orders.get(id)!.lines))],
  );
}

export async function ordersOf(q: Queryable, orderIds: string[]): Promise<Map<string, KnownOrder>> {
  if (!orderIds.length) return new Map();
  const { rows } = await q.query<KnownOrder & { order_id: string }>(
    'SELECT order_id, customer_id, lines FROM known_orders WHERE order_id = ANY($1::uuid[])',
    [orderIds],
  );
  return new Map(rows.map((r) => [r.order_id, { customer_id: r.customer_id, lines: r.lines }]));
}

export interface KnownProduct {
  vendor_id: string;
  name: string | null;
}

/** One row per product: its latest vendor, and its latest name (`name` null keeps the known one: order lines carry none). */
export async function saveProducts(q: Queryable, products: Map<string, { vendorId: string; name: string | null }>): Promise<void> {
  if (!products.size) return;
  const ids = [...products.keys()].sort(); // one lock order for every batch
  await q.query(
    `INSERT INTO known_products (product_id, vendor_id, name) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[])
     ON CONFLICT (product_id) DO UPDATE SET vendor_id = EXCLUDED.vendor_id, name = COALESCE(EXCLUDED.name, known_products.name)`,
    [ids, ids.map((id) => products.get(id)!.vendorId), ids.map((id) => products.get(id)!.name)],
  );
}

export async function productsOf(q: Queryable, productIds: string[]): Promise<Map<string, KnownProduct>> {
  if (!productIds.length) return new Map();
  const { rows } = await q.query<KnownProduct & { product_id: string }>(
    'SELECT product_id, vendor_id, name FROM known_products WHERE product_id = ANY($1::uuid[])',
    [productIds],
  );
  return new Map(rows.map((r) => [r.product_id, { vendor_id: r.vendor_id, name: r.name }]));
}

export interface StockLevel {
  available: number;
  low: boolean;
}

/** The last stock totals of these products, locked for the batch's transaction in one order (product id). */
export async function lockStock(q: Queryable, productIds: string[]): Promise<Map<string, StockLevel>> {
  if (!productIds.length) return new Map();
  const { rows } = await q.query<StockLevel & { product_id: string }>(
    'SELECT product_id, available, low FROM stock_levels WHERE product_id = ANY($1::uuid[]) ORDER BY product_id FOR UPDATE',
    [productIds],
  );
  return new Map(rows.map((r) => [r.product_id, { available: r.available, low: r.low }]));
}

export async function saveStock(q: Queryable, levels: Map<string, StockLevel>): Promise<void> {
  if (!levels.size) return;
  const ids = [...levels.keys()].sort();
  await q.query(
    `INSERT INTO stock_levels (product_id, available, low) SELECT * FROM unnest($1::uuid[], $2::int[], $3::bool[])
     ON CONFLICT (product_id) DO UPDATE SET available = EXCLUDED.available, low = EXCLUDED.low`,
    [ids, ids.map((id) => levels.get(id)!.available), ids.map((id) => levels.get(id)!.low)],
  );
}

export async function stockOf(q: Queryable, productId: string, lock = false): Promise<{ available: number; low: boolean } | null> {
  const { rows } = await q.query<{ available: number; low: boolean }>(
    `SELECT available, low FROM stock_levels WHERE product_id = $1${lock ? ' FOR UPDATE' : ''}`,
    [productId],
  );
  return rows[0] ?? null;
}

// ---- e-mail (own state, survives rebuilds)

/** Users who signed up in the batch, their latest address and name each. */
export async function saveUsers(q: Queryable, users: Map<string, { email: string; name: string }>): Promise<void> {
  if (!users.size) return;
  const ids = [...users.keys()].sort();
  await q.query(
    `INSERT INTO known_users (user_id, email, name) SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[])
     ON CONFLICT (user_id) DO UPDATE SET email = EXCLUDED.email, name = EXCLUDED.name`,
    [ids, ids.map((id) => users.get(id)!.email), ids.map((id) => users.get(id)!.name)],
  );
}

export interface Recipient {
  /** Null: no known address (no UserSignedUp, not a demo account). */
  email: string | null;
  name: string | null;
  /** The user's choice of kinds by e-mail; null: none made (the defaults apply). */
  email_kinds: string[] | null;
}

/** Where each user's mail goes and which kinds they want by e-mail, for every user id asked (one statement). */
export async function recipientsOf(q: Queryable, userIds: string[]): Promise<Map<string, Recipient>> {
  if (!userIds.length) return new Map();
  const { rows } = await q.query<Recipient & { user_id: string }>(
    `SELECT i.user_id, u.email, u.name, p.email_kinds FROM unnest($1::uuid[]) AS i(user_id)
     LEFT JOIN known_users u ON u.user_id = i.user_id LEFT JOIN notification_preferences p ON p.user_id = i.user_id`,
    [userIds],
  );
  return new Map(rows.map((r) => [r.user_id, { email: r.email, name: r.name, email_kinds: r.email_kinds }]));
}

export interface NewEmail {
  notificationId: string;
  kind: string;
  to: string;
  mail: { subject: string; html: string; text: string };
  eventTime: string;
}

/** Queues the batch's mails (PENDING, due now) in one statement; a notification's mail is queued once. */
export async function enqueueEmails(q: Queryable, emails: NewEmail[]): Promise<void> {
  if (!emails.length) return;
  await q.query(
    `INSERT INTO email_outbox (notification_id, kind, to_address, subject, html, text, event_time)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[]) ON CONFLICT DO NOTHING`,
    [
      emails.map((e) => e.notificationId),
      emails.map((e) => e.kind),
      emails.map((e) => e.to),
      emails.map((e) => e.mail.subject),
      emails.map((e) => e.mail.html),
      emails.map((e) => e.mail.text),
      emails.map((e) => e.eventTime),
    ],
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

/** Mails the SMTP server accepted, each at its own moment (one statement for a delivery batch). */
export async function markEmailsSent(q: Queryable, sent: { id: string; at: Date }[]): Promise<void> {
  if (!sent.length) return;
  await q.query(
    `UPDATE email_outbox e SET state = 'SENT', attempts = e.attempts + 1, sent_at = s.at, last_error = NULL
     FROM unnest($1::uuid[], $2::timestamptz[]) AS s(id, at) WHERE e.notification_id = s.id`,
    [sent.map((m) => m.id), sent.map((m) => m.at)],
  );
}

/** Failed attempts: each retried after its `retryInMs`, or DEAD when it is null (one statement). */
export async function markEmailsFailed(q: Queryable, failed: { id: string; error: string; retryInMs: number | null }[]): Promise<void> {
  if (!failed.length) return;
  await q.query(
    `UPDATE email_outbox e SET attempts = e.attempts + 1, last_error = f.error,
       state = CASE WHEN f.retry IS NULL THEN 'DEAD' ELSE 'PENDING' END,
       next_attempt_at = now() + make_interval(secs => COALESCE(f.retry, 0) / 1000.0)
     FROM unnest($1::uuid[], $2::text[], $3::int[]) AS f(id, error, retry) WHERE e.notification_id = f.id`,
    [failed.map((m) => m.id), failed.map((m) => m.error.slice(0, 1000)), failed.map((m) => m.retryInMs)],
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

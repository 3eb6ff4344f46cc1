import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Db, createLogger, databaseUrl, dropDatabases, ensureDatabase } from '@cloudlab/kit';
import { migrate } from '@cloudlab/kit/db/migrate';
import {
  consumeEvents, createEnvelope, envelopeToMessage,
  type BatchHandler, type DeliveredMessage, type EventBus, type EventEnvelope, type SubscribeOptions,
} from '@cloudlab/kit/events';
import { mailTarget, needsOf, planBatch, type BatchItem } from './batch';
import { CUSTOMER_KINDS } from './email';
import { sendDue } from './delivery';
import { consumes } from './events';

const uuid = () => randomUUID();
const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();
/** An event as its producer would record it, at a chosen time. */
function ev(source: string, type: string, aggregateId: string, data: unknown, time: string): EventEnvelope {
  return { ...createEnvelope(source, { type, aggregateId, data }), time };
}
const item = (e: EventEnvelope) => ({ type: e.type, data: e.data, event: e }) as BatchItem;

describe('a batch planned in memory', () => {
  const P = uuid();
  const V = uuid();
  const stock = (available: number, t: number) => ev('inventory', 'StockChanged', P, { productId: P, available, reserved: 0 }, at(t));

  it('chains LOW_STOCK through the batch: one per crossing, again only after the stock was back', () => {
    const items = [stock(8, 1), stock(3, 2), stock(2, 3), stock(9, 4), stock(1, 5)].map(item);
    const needs = needsOf(items);
    const known = { orders: new Map(), stock: new Map(), products: new Map([[P, { vendor_id: V, name: 'Lamp' }]]), watches: [] };
    const plan = planBatch(items, known, needs, 5);
    expect(plan.notices.map((n) => [n.notice.kind, n.item])).toEqual([['LOW_STOCK', 1], ['LOW_STOCK', 4]]);
    expect(plan.stock.get(P)).toEqual({ available: 1, low: true });
  });

  it('the first OrderPlaced of an order counts; a product keeps its last vendor and last known name', () => {
    const O = uuid();
    const C = uuid();
    const placed = (customerId: string, vendorId: string) =>
      ev('orders', 'OrderPlaced', O, { orderId: O, customerId, total: '1.00', currency: 'EUR', lines: [{ productId: P, vendorId, quantity: 1, unitPrice: '1.00' }] }, at(1));
    const items = [
      ev('catalog', 'ProductCreated', P, { productId: P, vendorId: V, version: 1, sku: 'L-1', name: 'Lamp', description: '', price: '9.99', currency: 'EUR', categoryId: uuid() }, at(0)),
      placed(C, V),
      placed(uuid(), uuid()),
      ev('orders', 'OrderConfirmed', O, { orderId: O }, at(2)),
    ].map(item);
    const plan = planBatch(items, { orders: new Map(), stock: new Map(), products: new Map(), watches: [] }, needsOf(items), 5);
    expect(plan.orders.get(O)?.customerId).toBe(C);
    expect(plan.notices.map((n) => n.notice.recipient)).toEqual([{ userId: C }, { vendorId: V }]);
    // The second OrderPlaced named another vendor for the product: the last one wins, the name stays.
    expect(plan.products.get(P)).toEqual({ vendorId: expect.not.stringMatching(V), name: 'Lamp' });
  });

  it('writes no product row for order lines that name the vendor already known', () => {
    const O = uuid();
    const items = [ev('orders', 'OrderPlaced', O, { orderId: O, customerId: uuid(), total: '1.00', currency: 'EUR', lines: [{ productId: P, vendorId: V, quantity: 1, unitPrice: '1.00' }] }, at(1))].map(item);
    const needs = needsOf(items);
    expect(needs.productIds).toEqual([P]);
    const known = (vendor_id: string) => ({ orders: new Map(), stock: new Map(), products: new Map([[P, { vendor_id, name: 'Lamp' }]]), watches: [] });
    expect(planBatch(items, known(V), needs, 5).products.size).toBe(0);
    expect(planBatch(items, known(uuid()), needs, 5).products.get(P)).toEqual({ vendorId: V, name: null });
  });

  it('mails a user at the address they had when the event happened, for the kinds they want', () => {
    const U = uuid();
    const signups = [{ userId: U, email: 'new@example.com', name: 'New', item: 3 }];
    expect(mailTarget(U, 'ORDER_CONFIRMED', 2, undefined, signups, CUSTOMER_KINDS)).toBeNull();
    expect(mailTarget(U, 'ORDER_CONFIRMED', 4, undefined, signups, CUSTOMER_KINDS)).toEqual({ email: 'new@example.com', name: 'New' });
    const known = { email: 'old@example.com', name: 'Old', email_kinds: ['ORDER_SHIPPED'] };
    expect(mailTarget(U, 'ORDER_SHIPPED', 2, known, signups, CUSTOMER_KINDS)).toEqual({ email: 'old@example.com', name: 'Old' });
    expect(mailTarget(U, 'ORDER_CONFIRMED', 4, known, signups, CUSTOMER_KINDS)).toBeNull();
    expect(mailTarget(U, 'NEW_ORDER', 4, undefined, signups, CUSTOMER_KINDS)).toBeNull();
  });
});

// Needs a PostgreSQL server: DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres).
describe.skipIf(!process.env.DATABASE_URL)('the notifications consumer, batch by batch through the inbox', () => {
  const serverUrl = process.env.DATABASE_URL!;
  const prefix = `notif_batch_test_${process.pid}_`;
  const log = createLogger('test', 'silent');
  const dbs: Db[] = [];

  /** A notifications database (migrations and read model in one schema) and its consumer, fed by hand. */
  async function consumer(name: string) {
    await ensureDatabase(serverUrl, `${prefix}${name}`);
    const db = new Db(databaseUrl(serverUrl, `${prefix}${name}`), 4, 'events');
    dbs.push(db);
    await migrate(db, path.join(__dirname, '..', 'migrations'));
    const readModel = path.join(__dirname, '..', 'read-model');
    for (const f of readdirSync(readModel).filter((f) => f.endsWith('.sql')).sort()) await db.query(readFileSync(path.join(readModel, f), 'utf8'));
    let handleBatch: BatchHandler | undefined;
    const bus = {
      kind: 'embedded',
      subscribe: async (o: SubscribeOptions) => {
        handleBatch = o.handleBatch;
        return { close: async () => undefined };
      },
    } as unknown as EventBus;
    await consumeEvents({ db, bus, consumer: 'notifications', topics: consumes.topics, handle: consumes.handle, finish: consumes.finish, log });
    let offset = 0;
    const deliver = (events: EventEnvelope[]) =>
      handleBatch!(events.map((e): DeliveredMessage => ({ ...envelopeToMessage(e), topic: `cloudlab.${e.source}`, partition: 0, offset: String(offset++) })));
    return { db, deliver };
  }

  /** Everything the consumer wrote, in a comparable order. */
  async function state(db: Db) {
    const q = async (sql: string) => (await db.query(sql)).rows;
    return {
      notifications: await q('SELECT id, user_id, vendor_id, kind, title, body, link, source_event_id, created_at FROM notifications ORDER BY id'),
      mails: await q('SELECT notification_id, kind, to_address, subject, html, text, state FROM email_outbox ORDER BY notification_id'),
      announced: await q(`SELECT envelope->'data' AS data FROM outbox WHERE type = 'NotificationCreated' ORDER BY envelope->'data'->>'notificationId'`),
      watches: await q('SELECT user_id, product_id FROM stock_watches ORDER BY user_id'),
      stock: await q('SELECT * FROM stock_levels ORDER BY product_id'),
      products: await q('SELECT * FROM known_products ORDER BY product_id'),
      orders: await q('SELECT * FROM known_orders ORDER BY order_id'),
      users: await q('SELECT * FROM known_users ORDER BY user_id'),
    };
  }

  // A small marketplace day: sign-ups, two products, orders confirmed and cancelled, a crossing
  // below the LOW_STOCK threshold (5), a restock answering one watch but not a newer one.
  const [C1, C2, C3, C4, C5, V, P, Q, O1, O2, O3] = Array.from({ length: 11 }, uuid);
  const placed = (o: string, c: string, p: string, t: number) =>
    ev('orders', 'OrderPlaced', o, { orderId: o, customerId: c, total: '1.00', currency: 'EUR', lines: [{ productId: p, vendorId: V, quantity: 1, unitPrice: '1.00' }] }, at(t));
  const stock = (p: string, available: number, t: number) => ev('inventory', 'StockChanged', p, { productId: p, available, reserved: 0 }, at(t));
  const day = [
    ev('accounts', 'UserSignedUp', C1!, { userId: C1, email: 'c1@example.com', name: 'One', role: 'CUSTOMER' }, at(0)),
    ev('accounts', 'UserSignedUp', C2!, { userId: C2, email: 'c2@example.com', name: 'Two', role: 'CUSTOMER' }, at(1)),
    ev('catalog', 'ProductCreated', P!, { productId: P, vendorId: V, version: 1, sku: 'L-1', name: 'Lamp', description: '', price: '9.99', currency: 'EUR', categoryId: uuid() }, at(2)),
    // Malformed (no price): skipped by either path (the batch falls back to one by one), changes nothing.
    ev('catalog', 'ProductUpdated', P!, { productId: P, vendorId: V, version: 2, name: 'Broken' }, at(2)),
    stock(P!, 10, 3),
    stock(Q!, 0, 4),
    placed(O1!, C1!, P!, 5),
    ev('orders', 'OrderConfirmed', O1!, { orderId: O1 }, at(6)),
    placed(O2!, C2!, P!, 7),
    ev('orders', 'OrderConfirmed', O2!, { orderId: O2 }, at(8)),
    stock(P!, 3, 9), // crossing: LOW_STOCK
    stock(P!, 2, 10), // still low: nothing
    ev('orders', 'OrderCancelled', O2!, { orderId: O2, reason: 'changed my mind', wasConfirmed: true }, at(11)),
    placed(O3!, C5!, Q!, 12),
    ev('orders', 'OrderConfirmed', O3!, { orderId: O3 }, at(13)), // C5's address comes only after: no mail
    ev('accounts', 'UserSignedUp', C5!, { userId: C5, email: 'c5@example.com', name: 'Five', role: 'CUSTOMER' }, at(14)),
    stock(Q!, 4, 15), // back in stock: C3's watch (older), not C4's (newer)
    ev('payments', 'PaymentRefunded', O2!, { orderId: O2, paymentId: uuid() }, at(16)),
  ];
  const setUp = async (db: Db) => {
    // C2 wants only cancellations by e-mail; C3 and C4 watch Q (C4 only after the restock happened).
    await db.query(`INSERT INTO notification_preferences (user_id, email_kinds) VALUES ($1, '{ORDER_CANCELLED}')`, [C2]);
    await db.query('INSERT INTO stock_watches (user_id, product_id, created_at) VALUES ($1, $3, $4), ($2, $3, $5)', [C3, C4, Q, at(-1000), at(15_000)]);
  };

  let one: Awaited<ReturnType<typeof consumer>>;
  let batched: Awaited<ReturnType<typeof consumer>>;
  beforeAll(async () => {
    await dropDatabases(serverUrl, prefix);
    one = await consumer('one');
    batched = await consumer('batched');
    await setUp(one.db);
    await setUp(batched.db);
  });
  afterAll(async () => {
    await Promise.all(dbs.map((db) => db.close()));
    await dropDatabases(serverUrl, prefix);
  });

  it('gives the same notifications, mails and read model as the events applied one by one, and redeliveries change nothing', async () => {
    for (const e of day) await one.deliver([e]);
    const expected = await state(one.db);

    // The same day in two batches; the first one holds an event twice, the second redelivers
    // events of the first (a relay that resent them, a consumer that crashed before committing its offset).
    const confirmed = day[7]!;
    const crossing = day[10]!;
    await batched.deliver([...day.slice(0, 11), confirmed]);
    await batched.deliver([confirmed, crossing, ...day.slice(11)]);
    const got = await state(batched.db);
    expect(got).toEqual(expected);

    // What the day makes, exactly once each.
    const kinds = (n: { kind: string; user_id: string | null; vendor_id: string | null }) => `${n.kind} ${n.user_id ?? n.vendor_id}`;
    expect(got.notifications.map(kinds).sort()).toEqual(
      [
        `ORDER_CONFIRMED ${C1}`, `NEW_ORDER ${V}`, `ORDER_CONFIRMED ${C2}`, `NEW_ORDER ${V}`, `LOW_STOCK ${V}`,
        `ORDER_CANCELLED ${C2}`, `ORDER_CONFIRMED ${C5}`, `NEW_ORDER ${V}`, `BACK_IN_STOCK ${C3}`, `PAYMENT_REFUNDED ${C2}`,
      ].sort(),
    );
    expect(got.mails.map((m: { kind: string; to_address: string }) => `${m.kind} ${m.to_address}`).sort()).toEqual(
      ['ORDER_CONFIRMED c1@example.com', 'ORDER_CANCELLED c2@example.com'].sort(),
    );
    expect(got.mails[0].html).toContain('<');
    expect(got.announced).toHaveLength(got.notifications.length);
    expect(got.watches).toEqual([{ user_id: C4, product_id: Q }]);
    expect(got.stock).toContainEqual({ product_id: P, available: 2, low: true });
    expect(got.products).toContainEqual({ product_id: P, vendor_id: V, name: 'Lamp' });
    expect(got.users.map((u: { user_id: string }) => u.user_id).sort()).toEqual([C1, C2, C5].sort());

    // The whole day delivered once more, as one batch: the inbox stops it all.
    await batched.deliver(day);
    expect(await state(batched.db)).toEqual(got);
  });

  it('a redelivered event that the inbox no longer remembers still makes no second notification, mail or announcement', async () => {
    await batched.db.query('DELETE FROM inbox');
    const before = await state(batched.db);
    await batched.deliver([day[7]!, day[12]!, day[17]!]);
    const after = await state(batched.db);
    expect(after.notifications).toEqual(before.notifications);
    expect(after.mails).toEqual(before.mails);
    expect(after.announced).toEqual(before.announced);
  });

  it('delivers the queued mail: accepted ones SENT at their moment, refused ones retried later, the last attempt DEAD', async () => {
    const limits = {
      NOTIFICATIONS_EMAIL_FROM: 'CloudLab <no-reply@cloudlab.dev>', NOTIFICATIONS_EMAIL_MAX_ATTEMPTS: 2,
      NOTIFICATIONS_EMAIL_RETRY_BASE_MS: 60_000, NOTIFICATIONS_EMAIL_RETRY_MAX_MS: 60_000, NOTIFICATIONS_EMAIL_BATCH: 10,
    };
    const refuse = new Set(['c2@example.com']);
    const smtp = { sendMail: async (m: { to: string }) => { if (refuse.has(m.to)) throw new Error('421 try later'); return {}; } };
    const outbox = async () =>
      (await batched.db.query('SELECT to_address, state, attempts, sent_at IS NOT NULL AS sent, next_attempt_at > now() AS later FROM email_outbox ORDER BY to_address')).rows;
    expect(await batched.db.tx((q) => sendDue(q, smtp as never, log, limits))).toBe(2);
    expect(await outbox()).toEqual([
      { to_address: 'c1@example.com', state: 'SENT', attempts: 1, sent: true, later: false },
      { to_address: 'c2@example.com', state: 'PENDING', attempts: 1, sent: false, later: true },
    ]);
    await batched.db.query('UPDATE email_outbox SET next_attempt_at = now() WHERE state = $1', ['PENDING']);
    expect(await batched.db.tx((q) => sendDue(q, smtp as never, log, limits))).toBe(1);
    expect((await outbox())[1]).toMatchObject({ state: 'DEAD', attempts: 2, sent: false });
    expect(await batched.db.tx((q) => sendDue(q, smtp as never, log, limits))).toBe(0);
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { contract, counter, gql, login } from './support/client';
import { closeDbs, subgraphDb } from './support/db';
import { liveClient, metric, type LiveStream } from './support/live';
import { mailServer } from './support/mailbox';
import { until } from './support/poll';

const notifications = contract('notifications');
const marketplace = contract('marketplace');
const commerce = contract('commerce');
const base = () => new URL('/', inject('subgraphUrls').notifications!).toString();
const op = (operationName: string, token: string, variables: Record<string, unknown> = {}, doc = notifications) =>
  gql(doc, { operationName, token, variables });


const feed = async (token: string, unreadOnly = false) => {
  const res = await op('MyNotifications', token, { unreadOnly, first: 50 });
  expect(res.body.errors).toBeUndefined();
  return res.body.data.me.notifications as {
    unreadCount: number; totalCount: number; edges: { node: { id: string; kind: string; link: string; body: string; readAt: string | null } }[];
  };
};
const kinds = async (token: string) => (await feed(token)).edges.map((e) => e.node.kind).sort();

// A vendor opened for this story (its staff see only its notifications), a new customer and a bystander.
let staff: string;
let customer: string;
let customerEmail: string;
let bystander: string;
let productId: string;
let warehouseId: string;
let orderId: string;
const streams: { customer?: LiveStream; staff?: LiveStream } = {};
const clients: { close: () => Promise<void> | void }[] = [];

async function signUp(name: string): Promise<[token: string, email: string]> {
  const input = { email: `${name.split(' ')[0]!.toLowerCase()}-${randomUUID().slice(0, 8)}@example.com`, password: 'notify me when it ships', name };
  const res = await gql(marketplace, { operationName: 'SignUp', variables: { input } });
  expect(res.body.errors).toBeUndefined();
  return [res.body.data.signUp.accessToken, input.email];
}
/** What the SMTP server in use received for `to`: GreenMail in CI's real-service leg, else notifications' development mailbox. */
const mailbox = (to: string, messageId?: string) => mailServer(base()).read(to, messageId);

beforeAll(async () => {
  const admin = await login('admin@cloudlab.dev');
  const opened = await op('CreateVendor', admin, { name: `Notify Works ${randomUUID().slice(0, 6)}` }, marketplace);
  const joined = await op('JoinVendor', (await signUp('Sam Staff'))[0], { invitationCode: opened.body.data.createVendor.invitationCode }, marketplace);
  staff = joined.body.data.joinVendor.accessToken;
  [[customer, customerEmail], [bystander]] = await Promise.all([signUp('Cleo Customer'), signUp('Bo Bystander')]);
  const categoryId = (await gql('{ categories { id } }')).body.data.categories[0].id;
  const input = { sku: `BELL-${randomUUID().slice(0, 8)}`, name: 'Desk Bell', description: 'Ding.', price: '9.90', categoryId };
  const created = await op('CreateProduct', staff, { input }, marketplace);
  expect(created.body.errors).toBeUndefined();
  productId = created.body.data.createProduct.id;
  warehouseId = await until(
    async () => (await subgraphDb('inventory').query('SELECT warehouse_id FROM stock WHERE product_id = $1 LIMIT 1', [productId])).rows[0]?.warehouse_id,
    'inventory to list the product',
  );
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  // The stack is shared: the storefront's other stories count and list the demo catalog.
  if (productId) await op('ArchiveProduct', staff, { id: productId }, marketplace);
  await closeDbs();
});

const restock = async (quantity: number) => {
  const res = await op('Restock', staff, { productId, warehouseId, quantity }, commerce);
  expect(res.body.errors).toBeUndefined();
  return res.body.data.restock.available as number;
};

describe('notifications', () => {
  it('a watched product that is restocked tells the watcher exactly once', async () => {
    const watched = await op('WatchProductStock', customer, { productId });
    expect(watched.body.errors).toBeUndefined();
    expect(watched.body.data).toEqual({ watchProductStock: { productId } });
    await restock(10);
    await until(async () => (await kinds(customer)).includes('BACK_IN_STOCK'), 'BACK_IN_STOCK');
    await restock(1);
    // Nobody watches it now; and watching what can be ordered is refused.
    const again = await op('WatchProductStock', customer, { productId });
    expect(again.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const mine = await feed(customer);
    expect(mine.edges.filter((e) => e.node.kind === 'BACK_IN_STOCK').map((e) => e.node.link)).toEqual([`/products/${productId}`]);
  });

  it('a confirmed order reaches the customer live within a second, unread in the feed; the vendor gets NEW_ORDER and one LOW_STOCK', async () => {
    const before = await metric(base(), 'cloudlab_subgraph_subscriptions');
    for (const [who, token] of [['customer', customer], ['staff', staff]] as const) {
      const client = liveClient({ token });
      clients.push(client);
      streams[who] = client.subscribe(notifications, {}, 'NotificationAdded');
    }
    await expect.poll(() => metric(base(), 'cloudlab_subgraph_subscriptions'), { timeout: 5_000 }).toBeGreaterThanOrEqual(before + 2);

    // 11 in stock, 8 ordered: 3 left, below the threshold of 5.
    const input = { lines: [{ productId, quantity: 8 }], paymentToken: 'tok_visa', idempotencyKey: randomUUID() };
    const placed = await gql(commerce, { operationName: 'PlaceOrder', token: customer, variables: { input } });
    expect(placed.body.errors).toBeUndefined();
    orderId = placed.body.data.placeOrder.id;

    const confirmed = await streams.customer!.until((m) => m.data?.notificationAdded?.kind === 'ORDER_CONFIRMED', 15_000);
    const arrived = Date.now();
    const n = confirmed.data.notificationAdded;
    // createdAt is the time orders recorded OrderConfirmed.
    expect(arrived - Date.parse(n.createdAt)).toBeLessThan(1_000);
    expect(n).toMatchObject({ link: `/orders/${orderId}` });

    const unread = await feed(customer, true);
    expect(unread.edges.map((e) => e.node)).toContainEqual(expect.objectContaining({ id: n.id, kind: 'ORDER_CONFIRMED', readAt: null }));
    expect(unread.unreadCount).toBe(2); // BACK_IN_STOCK and ORDER_CONFIRMED

    // Exactly one confirmation e-mail, with an HTML and a text part, accepted by a real SMTP server.
    const confirmationMail = async () => (await mailbox(customerEmail)).filter((m) => m.subject === n.title);
    await expect.poll(async () => (await confirmationMail()).length, { timeout: 5_000, interval: 100 }).toBe(1);
    const [mail] = await confirmationMail();
    expect(mail!.html).toContain(`/orders/${orderId}"`);
    expect(mail!.text).toContain(`/orders/${orderId}`);
    expect(mail!.messageId).toBe(`<${n.id}@notifications.cloudlab>`);

    const vendorNews = await streams.staff!.until((m) => m.data?.notificationAdded?.kind === 'NEW_ORDER', 5_000);
    expect(vendorNews.data.notificationAdded.body).toContain('8 items');
    await until(async () => (await kinds(staff)).includes('LOW_STOCK'), 'LOW_STOCK');
    expect(await kinds(staff)).toEqual(['LOW_STOCK', 'NEW_ORDER']);
    // The customer's stream carried only the customer's own.
    expect(streams.customer!.messages.map((m) => m.data.notificationAdded.kind)).toEqual(['ORDER_CONFIRMED']);
  });

  it('nobody else can read or mark a customer’s notifications; the customer can', async () => {
    const ids = (await feed(customer)).edges.map((e) => e.node.id);
    const other = await op('MarkNotificationsRead', bystander, { ids });
    expect(other.body.data).toEqual({ markNotificationsRead: { unreadCount: 0 } });
    expect((await feed(customer)).unreadCount).toBe(2);

    // Staff see the order (it holds their product), but no path leads them to the customer's notifications
    // (orders hides the customer; notifications' own guard is unit-tested in resolvers.test.ts).
    const peek = await gql('query($id: ID!) { order(id: $id) { customer { notifications { totalCount } } } }', { token: staff, variables: { id: orderId } });
    expect(peek.body.data?.order).toEqual({ customer: null });

    const one = await op('MarkNotificationsRead', customer, { ids: [ids[0]] });
    expect(one.body.data.markNotificationsRead.unreadCount).toBe(1);
    const all = await op('MarkNotificationsRead', customer);
    expect(all.body.data.markNotificationsRead.unreadCount).toBe(0);
    expect((await feed(customer, true)).totalCount).toBe(0);
    expect((await feed(customer)).edges.every((e) => e.node.readAt !== null)).toBe(true);
  });

  it('a redelivered confirmation changes nothing', async () => {
    const snapshot = async () => JSON.stringify([await feed(customer), await feed(staff)]);
    const before = await snapshot();
    const duplicates = 'cloudlab_events_consumed_total{consumer="notifications",outcome="duplicate"}';
    const seen = await counter(base(), duplicates);
    // The relay publishes the confirmation once more, as after a crash before it marked it sent.
    const resent = await subgraphDb('orders').query(`UPDATE outbox SET published_at = NULL WHERE aggregate_id = $1 AND type = 'OrderConfirmed'`, [orderId]);
    expect(resent.rowCount).toBe(1);
    await expect.poll(() => counter(base(), duplicates), { timeout: 15_000, interval: 100 }).toBeGreaterThanOrEqual(seen + 1);
    expect(await snapshot()).toBe(before);
    expect(streams.customer!.messages).toHaveLength(1);
    expect(streams.staff!.messages.filter((m) => m.data.notificationAdded.kind === 'NEW_ORDER')).toHaveLength(1);
    expect((await mailbox(customerEmail)).filter((m) => m.subject.endsWith('confirmed'))).toHaveLength(1);
  });

  it('a seeded demo customer, who never signed up, gets the confirmation e-mail too', async () => {
    // The demo accounts come from the demo plan, not from UserSignedUp (notifications' seed.ts).
    const demo = await login('customer@cloudlab.dev');
    const input = { lines: [{ productId, quantity: 1 }], paymentToken: 'tok_visa', idempotencyKey: randomUUID() };
    const placed = await gql(commerce, { operationName: 'PlaceOrder', token: demo, variables: { input } });
    expect(placed.body.errors).toBeUndefined();
    const link = `/orders/${placed.body.data.placeOrder.id}`;
    const confirmed = (await until(
      async () => (await feed(demo)).edges.find((e) => e.node.kind === 'ORDER_CONFIRMED' && e.node.link === link)?.node,
      'the demo customer’s ORDER_CONFIRMED',
    ))!;
    const mine = () => mailbox('customer@cloudlab.dev', `<${confirmed.id}@notifications.cloudlab>`);
    await expect.poll(async () => (await mine()).length, { timeout: 10_000, interval: 200 }).toBe(1);
    const [mail] = await mine();
    expect(mail!.html).toContain(`${link}"`);
    expect(mail!.text).toContain('Casey Customer');
  });
});

import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { Db, databaseUrl } from '@cloudlab/kit';
import { ROOT } from '../stack';
import { benchStack } from './bench-stack';
import { gatewayClient } from './measure';
import { percentiles } from './stats';

/**
 * `pnpm bench notifications [--rate R] [--seconds S] [--quick]`: how long a confirmed order takes
 * to reach its customer. On a fresh stack (SMTP_URL set: that server, e.g. GreenMail from
 * ops/greenmail; unset: notifications' development mailbox, a real SMTP server in its process),
 * demo customers (seeded accounts, so this also exercises their addresses from the demo plan)
 * place tok_visa orders in an open loop, first a baseline at 2 orders/s for 10 s, then R orders/s
 * (default 100) for S seconds (default 10). Each ORDER_CONFIRMED is measured from its event's
 * time (the notification's createdAt, when orders recorded OrderConfirmed) to
 *   - in-app: the notification stored by notifications (stored_at, in its database);
 *   - live: its `notificationAdded` message arriving at a graphql-ws client of the gateway;
 *   - e-mail: the SMTP server accepting its mail (email_outbox.sent_at).
 * Also reports placeOrder → CONFIRMED (the saga) for scale, and whatever did not arrive.
 */
async function main() {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const quick = process.argv.includes('--quick');
  const rate = arg('rate', 100);
  const seconds = arg('seconds', quick ? 3 : 10);
  const customersN = 20;
  const stack = await benchStack({
    env: { SEED_PRODUCTS: '2000', SEED_REVIEWS: '2000' },
    output: (name, line) => /"level":(50|60)|FATAL|exited/.test(line) && process.stderr.write(`[${name}] ${line}\n`),
  });
  const orders = new Db(databaseUrl(stack.databaseUrl, `${stack.dbPrefix}orders`), 2);
  const notifications = new Db(databaseUrl(stack.databaseUrl, `${stack.dbPrefix}notifications`), 2);
  const clients: ReturnType<typeof createClient>[] = [];
  try {
    const commerce = readFileSync(path.join(ROOT, 'clients', 'operations', 'commerce.graphql'), 'utf8');
    const live = readFileSync(path.join(ROOT, 'clients', 'operations', 'notifications.graphql'), 'utf8');
    const { call, login } = gatewayClient(stack.gatewayUrl);
    const admin = await login('admin@cloudlab.dev');
    const total = Math.ceil(rate * seconds) + 20;
    const warehouse = (await call({ query: '{ warehouses { id } }' })).warehouses[0].id;
    const products: string[] = (await call({ query: '{ products(first: 20) { edges { node { id } } } }' })).products.edges.map((e: any) => e.node.id);
    for (const productId of products) {
      await call({ query: commerce, operationName: 'Restock', variables: { productId, warehouseId: warehouse, quantity: total } }, admin);
    }
    // Demo customers of the plan (accounts seeds them; notifications knows their addresses from the same plan).
    const accounts = new Db(databaseUrl(stack.databaseUrl, `${stack.dbPrefix}accounts`), 1);
    const { rows: demo } = await accounts
      .query<{ email: string }>(`SELECT email FROM users WHERE role = 'CUSTOMER' ORDER BY email LIMIT $1`, [customersN])
      .finally(() => accounts.close());
    const tokens = await Promise.all(demo.map((u) => login(u.email)));

    // Each customer listens live; arrival times by notification id.
    const arrivals = new Map<string, number>();
    for (const token of tokens) {
      const client = createClient({ url: stack.gatewayUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${token}` } });
      clients.push(client);
      client.subscribe({ query: live, operationName: 'NotificationAdded' }, {
        next: (m: any) => {
          const n = m.data?.notificationAdded;
          if (n?.kind === 'ORDER_CONFIRMED') arrivals.set(n.id, Date.now());
        },
        error: () => undefined,
        complete: () => undefined,
      });
    }
    await new Promise((r) => setTimeout(r, 2_000)); // subscriptions established upstream

    let failures = 0;
    const place = async (i: number) => {
      const input = { lines: [{ productId: products[i % products.length], quantity: 1 }], paymentToken: 'tok_visa', idempotencyKey: randomUUID() };
      for (let attempt = 1; attempt <= 5; attempt++) {
        try {
          return (await call({ query: commerce, operationName: 'PlaceOrder', variables: { input } }, tokens[i % tokens.length])).placeOrder.id as string;
        } catch {
          failures++;
          await new Promise((r) => setTimeout(r, 1_000));
        }
      }
      return null;
    };
    const phase = async (r: number, n: number) => {
      const started = performance.now();
      const ids = await Promise.all(
        Array.from({ length: n }, async (_, i) => {
          await new Promise((res) => setTimeout(res, Math.max(0, started + (i * 1000) / r - performance.now())));
          return place(i);
        }),
      );
      return { ids: ids.filter((x): x is string => x !== null), placedPerS: n / ((performance.now() - started) / 1000) };
    };

    progress('baseline: 2 orders/s for 10 s');
    const base = await phase(2, 20);
    await settle(orders, notifications, base.ids);
    progress(`load: ${rate} orders/s for ${seconds} s`);
    const load = await phase(rate, Math.round(rate * seconds));
    const settledIn = await settle(orders, notifications, load.ids);
    await new Promise((r) => setTimeout(r, 1_000)); // the last live messages

    const measure = async (ids: string[]) => {
      const { rows } = await orders.query<{ id: string; status: string; ms: number | null }>(
        `SELECT o.id, o.status, extract(epoch FROM (c.at - p.at)) * 1000 AS ms FROM orders o
         JOIN order_events p ON p.order_id = o.id AND p.type = 'OrderPlaced'
         LEFT JOIN order_events c ON c.order_id = o.id AND c.type = 'OrderConfirmed' WHERE o.id = ANY($1::uuid[])`,
        [ids],
      );
      const confirmed = rows.filter((r) => r.status === 'CONFIRMED');
      const links = confirmed.map((r) => `/orders/${r.id}`);
      const { rows: n } = await notifications.query<{ id: string; created_at: Date; in_app_ms: number; mail_ms: number | null; state: string | null }>(
        `SELECT n.id, n.created_at, extract(epoch FROM (n.stored_at - n.created_at)) * 1000 AS in_app_ms,
                extract(epoch FROM (e.sent_at - n.created_at)) * 1000 AS mail_ms, e.state
         FROM notifications n LEFT JOIN email_outbox e ON e.notification_id = n.id
         WHERE n.kind = 'ORDER_CONFIRMED' AND n.link = ANY($1::text[])`,
        [links],
      );
      const liveMs = n.flatMap((x) => (arrivals.has(x.id) ? [arrivals.get(x.id)! - x.created_at.getTime()] : []));
      const mails = n.filter((x) => x.state === 'SENT');
      return {
        orders: ids.length,
        confirmed: confirmed.length,
        place_to_confirmed_ms: percentiles(confirmed.map((r) => Number(r.ms))),
        notified: n.length,
        event_to_in_app_ms: percentiles(n.map((x) => Number(x.in_app_ms))),
        live_received: liveMs.length,
        event_to_live_ms: percentiles(liveMs),
        mails_sent: mails.length,
        mails_not_sent: n.length - mails.length,
        event_to_mail_accepted_ms: percentiles(mails.map((x) => Number(x.mail_ms))),
      };
    };
    const baseline = await measure(base.ids);
    const loaded = await measure(load.ids);
    const summary = {
      bench: 'notifications',
      smtp: process.env.SMTP_URL ? 'SMTP_URL' : 'development mailbox',
      bus: process.env.KAFKA_BROKERS ? 'kafka' : 'embedded',
      postgres: process.env.DATABASE_URL ? 'external' : 'embedded',
      rate,
      seconds,
      placed_per_s: Number(load.placedPerS.toFixed(1)),
      place_retries: failures,
      settled_s: Number(settledIn.toFixed(1)),
      baseline_2_per_s: baseline,
      load: loaded,
      cores: cpus().length,
      loadavg: loadavg().map((l) => Number(l.toFixed(2))),
    };
    const row = (name: string, m: typeof loaded) =>
      `  ${name}: ${m.confirmed}/${m.orders} confirmed, ${m.notified} notified, ${m.live_received} live, ${m.mails_sent} mails (${m.mails_not_sent} not sent)\n` +
      `    placeOrder → CONFIRMED  p50 ${m.place_to_confirmed_ms.p50}  p95 ${m.place_to_confirmed_ms.p95}  p99 ${m.place_to_confirmed_ms.p99} ms\n` +
      `    event → in-app stored    p50 ${m.event_to_in_app_ms.p50}  p95 ${m.event_to_in_app_ms.p95}  p99 ${m.event_to_in_app_ms.p99} ms\n` +
      `    event → live message     p50 ${m.event_to_live_ms.p50}  p95 ${m.event_to_live_ms.p95}  p99 ${m.event_to_live_ms.p99} ms\n` +
      `    event → mail accepted    p50 ${m.event_to_mail_accepted_ms.p50}  p95 ${m.event_to_mail_accepted_ms.p95}  p99 ${m.event_to_mail_accepted_ms.p99} ms`;
    console.log(`notifications: tok_visa orders from ${tokens.length} demo customers; smtp: ${summary.smtp}, bus: ${summary.bus}, postgres: ${summary.postgres}`);
    console.log(row('baseline (2 orders/s)', baseline));
    console.log(row(`load (${rate} orders/s asked, ${summary.placed_per_s} placed/s)`, loaded));
    console.log(`  everything settled ${summary.settled_s} s after the last order was accepted; load average ${summary.loadavg.join(' ')} on ${summary.cores} cores`);
    console.log(JSON.stringify(summary));
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
    await orders.close();
    await notifications.close();
    await stack.stop();
  }
}

/** Waits (at most 3 min) until the orders are settled and every confirmation's e-mail left the outbox; seconds waited. */
async function settle(orders: Db, notifications: Db, ids: string[]): Promise<number> {
  const started = performance.now();
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const { rows } = await orders.query<{ open: number; confirmed: number }>(
      `SELECT count(*) FILTER (WHERE status NOT IN ('CONFIRMED', 'CANCELLED'))::int AS open, count(*) FILTER (WHERE status = 'CONFIRMED')::int AS confirmed
       FROM orders WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    if (rows[0]!.open === 0) {
      const { rows: n } = await notifications.query<{ notified: number; pending: number }>(
        `SELECT count(*)::int AS notified, count(*) FILTER (WHERE e.state IS DISTINCT FROM 'SENT')::int AS pending
         FROM notifications n LEFT JOIN email_outbox e ON e.notification_id = n.id
         WHERE n.kind = 'ORDER_CONFIRMED' AND n.link = ANY($1::text[])`,
        [ids.map((id) => `/orders/${id}`)],
      );
      if (n[0]!.notified >= rows[0]!.confirmed && n[0]!.pending === 0) break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return (performance.now() - started) / 1000;
}

const progress = (line: string) => process.stderr.write(`${line}\n`);

void main();

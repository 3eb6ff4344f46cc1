import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { Db, databaseUrl } from '@cloudlab/kit';
import { ROOT } from '../stack';
import { benchStack } from './bench-stack';
import { consumerOnly } from './notifications-consumer';
import { gatewayClient } from './measure';
import { percentiles } from './stats';

/**
 * `pnpm bench notifications --consumer-only [--orders N]`: notifications' own capacity without the
 * saga in front of it (notifications-consumer.ts).
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
 * Also reports placeOrder → CONFIRMED (the saga) for scale, whatever did not arrive, and the notifications
 * consumer group's lag (events not yet consumed, age of the oldest, mail pending) when the last order
 * was accepted and at its worst during the load (sampled every second).
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
  const events = new Db(databaseUrl(stack.databaseUrl, `${stack.dbPrefix}events`), 1);
  const clients: ReturnType<typeof createClient>[] = [];
  try {
    const commerce = readFileSync(path.join(ROOT, 'clients', 'operations', 'commerce.graphql'), 'utf8');
    const live = readFileSync(path.join(ROOT, 'clients', 'operations', 'notifications.graphql'), 'utf8');
    const client = gatewayClient(stack.gatewayUrl);
    // Setup calls are retried: on a loaded machine a subgraph can miss the gateway's timeout.
    const retried = <A extends unknown[], R>(f: (...a: A) => Promise<R>) => async (...a: A): Promise<R> => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await f(...a);
        } catch (err) {
          if (attempt >= 5) throw err;
          await new Promise((r) => setTimeout(r, 2_000));
        }
      }
    };
    const call = client.call;
    const login = retried(client.login);
    const setup = retried(client.call);
    const admin = await login('admin@cloudlab.dev');
    const total = Math.ceil(rate * seconds) + 20;
    const warehouse = (await setup({ query: '{ warehouses { id } }' })).warehouses[0].id;
    const products: string[] = (await setup({ query: '{ products(first: 20) { edges { node { id } } } }' })).products.edges.map((e: any) => e.node.id);
    for (const productId of products) {
      await setup({ query: commerce, operationName: 'Restock', variables: { productId, warehouseId: warehouse, quantity: total } }, admin);
    }
    // Demo customers of the plan (accounts seeds them; notifications knows their addresses from the same plan).
    const accounts = new Db(databaseUrl(stack.databaseUrl, `${stack.dbPrefix}accounts`), 1);
    const { rows: demo } = await accounts
      .query<{ email: string }>(`SELECT email FROM users WHERE role = 'CUSTOMER' ORDER BY email LIMIT $1`, [customersN])
      .finally(() => accounts.close());
    const tokens: string[] = [];
    for (const u of demo) tokens.push(await login(u.email));

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
    const sampler = sampleLag(events, notifications);
    const load = await phase(rate, Math.round(rate * seconds));
    const lagAtEnd = await consumerLag(events, notifications);
    const settledIn = await settle(orders, notifications, load.ids);
    const lagPeak = await sampler.stop();
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
      consumer_lag_at_end: lagAtEnd,
      consumer_lag_peak: lagPeak,
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
    const lagText = (l: Lag) => `${l.events} events / ${l.seconds} s behind, ${l.mails_pending} mails pending`;
    console.log(`  notifications consumer when the last order was accepted: ${lagText(lagAtEnd)}; worst during the load (1 s samples): ${lagText(lagPeak)}`);
    console.log(`  everything settled ${summary.settled_s} s after the last order was accepted; load average ${summary.loadavg.join(' ')} on ${summary.cores} cores`);
    console.log(JSON.stringify(summary));
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
    await orders.close();
    await notifications.close();
    await events.close();
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

interface Lag {
  /** Events on notifications' topics not yet consumed by its group. */
  events: number;
  /** Age of the oldest of them (0 when none): how far behind the consumer is, in time. */
  seconds: number;
  /** Mail queued but not yet accepted by the SMTP server. */
  mails_pending: number;
}

/** The notifications consumer group's lag on the embedded log (its committed offsets against the log). */
async function consumerLag(events: Db, notifications: Db): Promise<Lag> {
  if (process.env.KAFKA_BROKERS) return { events: -1, seconds: -1, mails_pending: await pendingMails(notifications) };
  const { rows } = await events.query<{ events: number; seconds: number | null }>(
    `SELECT coalesce(sum(x.n), 0)::int AS events, extract(epoch FROM now() - min(x.oldest)) AS seconds FROM (
       SELECT (SELECT count(*) FROM event_log l WHERE l.topic = o.topic AND l.seq > o.last_seq) AS n,
              (SELECT min(created_at) FROM event_log l WHERE l.topic = o.topic AND l.seq > o.last_seq) AS oldest
       FROM event_offsets o WHERE o.group_id = 'notifications') x`,
  );
  return { events: rows[0]!.events, seconds: Number(Number(rows[0]!.seconds ?? 0).toFixed(1)), mails_pending: await pendingMails(notifications) };
}

async function pendingMails(notifications: Db): Promise<number> {
  const { rows } = await notifications.query<{ n: number }>(`SELECT count(*)::int AS n FROM email_outbox WHERE state = 'PENDING'`);
  return rows[0]!.n;
}

/** Samples the lag every second until stopped; the worst sample (by seconds behind). */
function sampleLag(events: Db, notifications: Db) {
  let worst: Lag = { events: 0, seconds: 0, mails_pending: 0 };
  let running = true;
  const loop = (async () => {
    while (running) {
      const l = await consumerLag(events, notifications).catch(() => null);
      if (l && (l.seconds > worst.seconds || (l.seconds === worst.seconds && l.events > worst.events))) worst = { ...l };
      if (l && l.mails_pending > worst.mails_pending) worst.mails_pending = l.mails_pending;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return worst;
    },
  };
}

const progress = (line: string) => process.stderr.write(`${line}\n`);

void (process.argv.includes('--consumer-only') ? consumerOnly() : main());

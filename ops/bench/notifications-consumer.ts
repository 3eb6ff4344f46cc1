import { benchPostgres } from './bench-stack';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { Db, createLogger, databaseUrl, demoId, ensureDatabase, type Queryable } from '@cloudlab/kit';
import { migrate } from '@cloudlab/kit/db/migrate';
import { consumeEvents, createEnvelope, envelopeToMessage, type BatchHandler, type DeliveredMessage, type EventBus, type EventEnvelope } from '@cloudlab/kit/events';
import { deliverInLanes } from '@cloudlab/kit/events/lanes';
import { GenerationDb, ensureReadModel } from '@cloudlab/kit/read-model';
import { config } from '../../subgraphs/notifications/src/config';
import { deliverDue } from '../../subgraphs/notifications/src/delivery';
import { definition } from '../../subgraphs/notifications/src/server';
import { startEmbeddedPostgres } from '../embedded-postgres';

/**
 * `pnpm bench notifications --consumer-only [--orders N]`: notifications' own capacity, without
 * the saga in front of it. On a fresh database (embedded PostgreSQL unless DATABASE_URL) the events
 * N orders make (as the saga records them: OrderPlaced, PaymentRequested, StockReserved,
 * StockChanged, PaymentAuthorized, OrderConfirmed; 20 customers with addresses, 20 products of 5
 * vendors) are applied by the real consumer (kit consumeEvents: inbox, batches of
 * EVENT_CONSUMER_MAX_BATCH in EVENT_CONSUMER_LANES lanes, 500 per poll and topic, as the embedded
 * bus delivers them), then the mail they queued is sent to the development mailbox (a real SMTP
 * server in this process) by the delivery timer's function every NOTIFICATIONS_EMAIL_POLL_MS.
 * Reports orders/s and SQL statements per order for the consumer (those inside its transactions,
 * without BEGIN/COMMIT and the read model's search_path), mails/s for the delivery.
 */
export async function consumerOnly(): Promise<void> {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const orders = arg('orders', 2_000);
  const lanes = Number(process.env.EVENT_CONSUMER_LANES) || 4;
  const maxBatch = Number(process.env.EVENT_CONSUMER_MAX_BATCH) || 50;
  const { serverUrl, stop: stopPg } = await benchPostgres('notifications');
  const name = `bench_notifications_${Date.now().toString(36)}`;
  await ensureDatabase(serverUrl, name);
  const plain = new Db(databaseUrl(serverUrl, name), 10, null);
  const log = createLogger('bench', 'warn');
  try {
    await migrate(plain, definition.migrations);
    await ensureReadModel(plain, 'notifications', definition.readModel!);
    const gdb = new GenerationDb(plain, { readModel: 'notifications' });
    // Counts the statements the consumer and the delivery send (one counting view per transaction).
    let statements = 0;
    const counting = (q: Queryable): Queryable => ({ query: (text, values) => (statements++, q.query(text, values)) });
    const db = Object.assign(Object.create(gdb), {
      tx: <T>(fn: (q: Queryable) => Promise<T>) => gdb.tx((q) => fn(counting(q))),
      query: (text: string, values?: unknown[]) => (statements++, gdb.query(text, values)),
    }) as Db;

    const customers = Array.from({ length: 20 }, (_, i) => demoId('bench-customer', i));
    const products = Array.from({ length: 20 }, (_, i) => demoId('bench-product', i));
    const vendorOf = (p: number) => demoId('bench-vendor', p % 5);
    const byTopic = new Map<string, EventEnvelope[]>();
    const add = (source: string, type: string, aggregateId: string, data: unknown) => {
      const list = byTopic.get(`cloudlab.${source}`) ?? [];
      list.push(createEnvelope(source, { type, aggregateId, data }));
      byTopic.set(`cloudlab.${source}`, list);
    };
    customers.forEach((userId, i) => add('accounts', 'UserSignedUp', userId, { userId, email: `customer${i}@bench.cloudlab.dev`, name: `Customer ${i}`, role: 'CUSTOMER' }));
    const stock = products.map(() => 1_000_000);
    for (let i = 0; i < orders; i++) {
      const orderId = demoId('bench-order', i);
      const customerId = customers[i % customers.length]!;
      const p = i % products.length;
      add('orders', 'OrderPlaced', orderId, { orderId, customerId, total: '9.99', currency: 'EUR', lines: [{ productId: products[p], vendorId: vendorOf(p), quantity: 1, unitPrice: '9.99' }] });
      add('orders', 'PaymentRequested', orderId, { orderId, customerId, amount: '9.99', currency: 'EUR', paymentToken: 'tok_visa' });
      add('inventory', 'StockReserved', orderId, { orderId });
      add('inventory', 'StockChanged', products[p]!, { productId: products[p], available: --stock[p]!, reserved: 1 });
      add('payments', 'PaymentAuthorized', orderId, { orderId, paymentId: demoId('bench-payment', i), amount: '9.99', currency: 'EUR' });
      add('orders', 'OrderConfirmed', orderId, { orderId });
    }

    let handleBatch: BatchHandler | undefined;
    const bus = { kind: 'embedded', subscribe: async (o: { handleBatch?: BatchHandler }) => ((handleBatch = o.handleBatch), { close: async () => undefined }) } as unknown as EventBus;
    const consumes = definition.consumes!;
    await consumeEvents({ db, bus, consumer: 'notifications', topics: consumes.topics, handle: consumes.handle, prepare: consumes.prepare, finish: consumes.finish, log });
    const total = [...byTopic.values()].reduce((n, l) => n + l.length, 0);
    const signal = new AbortController().signal;
    statements = 0;
    const started = performance.now();
    // As the embedded bus delivers: per poll up to 500 of a topic, topics one after another.
    const offsets = new Map([...byTopic.keys()].map((t) => [t, 0]));
    for (let more = true; more; ) {
      more = false;
      for (const [topic, list] of byTopic) {
        const from = offsets.get(topic)!;
        const rows = list.slice(from, from + 500);
        if (!rows.length) continue;
        more = true;
        const messages = rows.map((e, i): DeliveredMessage => ({ ...envelopeToMessage(e), topic, partition: 0, offset: String(from + i) }));
        await deliverInLanes(messages, { handleBatch, lanes, maxBatch }, { log, signal, group: 'notifications' });
        offsets.set(topic, from + rows.length);
      }
    }
    const consumerS = (performance.now() - started) / 1000;
    const consumerStatements = statements;
    const { rows: made } = await gdb.query<{ n: number; mails: number }>(
      'SELECT (SELECT count(*) FROM notifications)::int AS n, (SELECT count(*) FROM email_outbox)::int AS mails',
    );
    if (made[0]!.n !== 2 * orders || made[0]!.mails !== orders) throw new Error(`expected ${2 * orders} notifications and ${orders} mails, got ${JSON.stringify(made[0])}`);

    // The delivery timer, as the kit runs it: every poll unless the previous run is still going.
    statements = 0;
    const mailStarted = performance.now();
    const poll = config.NOTIFICATIONS_EMAIL_POLL_MS;
    for (;;) {
      await deliverDue(db, log);
      const { rows } = await gdb.query<{ n: number }>(`SELECT count(*)::int AS n FROM email_outbox WHERE state = 'PENDING'`);
      if (rows[0]!.n === 0) break;
      const elapsed = performance.now() - mailStarted;
      await new Promise((r) => setTimeout(r, poll - (elapsed % poll)));
    }
    const mailS = (performance.now() - mailStarted) / 1000;
    const summary = {
      bench: 'notifications-consumer',
      orders,
      events: total,
      lanes,
      max_batch: maxBatch,
      consumer_s: Number(consumerS.toFixed(1)),
      consumer_orders_per_s: Math.round(orders / consumerS),
      consumer_events_per_s: Math.round(total / consumerS),
      statements_per_order: Number((consumerStatements / orders).toFixed(2)),
      mails: orders,
      mail_s: Number(mailS.toFixed(1)),
      mails_per_s: Math.round(orders / mailS),
      mail_statements_per_mail: Number((statements / orders).toFixed(2)),
      cores: cpus().length,
      loadavg: loadavg().map((l) => Number(l.toFixed(2))),
    };
    console.log(`notifications consumer: ${orders} orders (${total} events) in ${summary.consumer_s} s → ${summary.consumer_orders_per_s} orders/s, ${summary.statements_per_order} statements per order (${lanes} lanes, batches of ${maxBatch})`);
    console.log(`e-mail delivery to the development mailbox: ${orders} mails in ${summary.mail_s} s → ${summary.mails_per_s} mails/s`);
    console.log(`load average ${summary.loadavg.join(' ')} on ${summary.cores} cores`);
    console.log(JSON.stringify(summary));
  } finally {
    await plain.close();
    await stopPg();
  }
  process.exit(0); // the development mailbox's SMTP server and the mail transport keep the loop alive
}

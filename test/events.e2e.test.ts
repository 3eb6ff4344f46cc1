import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrate } from '@cloudlab/kit/db/migrate';
import { Db, databaseUrl, ensureDatabase, type Queryable } from '@cloudlab/kit/db/pool';
import { createLogger } from '@cloudlab/kit/logger';
import { registry } from '@cloudlab/kit/metrics';
import {
  consumeEvents,
  createEnvelope,
  createEventBus,
  envelopeToMessage,
  recordEvent,
  startOutboxRelay,
  topicFor,
  type DeliveredMessage,
  type EventBus,
  type EventEnvelope,
  type OutboxRelay,
  type Subscription,
} from '@cloudlab/kit/events/index';

/**
 * The event mechanism end to end, on real databases: outbox → relay → bus → inbox → handler.
 * Runs on the embedded log always, and on Kafka too when KAFKA_BROKERS is set.
 */
const log = createLogger('events-e2e', process.env.E2E_VERBOSE ? 'debug' : 'silent');
const kafkaBrokers = process.env.KAFKA_BROKERS?.split(',').filter(Boolean) ?? [];
const buses = [{ name: 'the embedded log', short: 'pg', kafka: [] as string[] }];
if (kafkaBrokers.length) buses.push({ name: 'Kafka', short: 'kf', kafka: kafkaBrokers });

describe.each(buses.map((b) => [b.name, b] as const))('events on %s', (_name, { short, kafka }) => {
  // Databases of our own next to the running stack's: `<run prefix>ev_<bus>_…`.
  const prefix = `${inject('dbPrefix')}ev_${short}_`;
  const serverUrl = inject('databaseUrl');
  const opened: Db[] = [];
  const cleanup: (() => Promise<void>)[] = [];
  let bus: EventBus;
  let orders: Db; // the producing subgraph's database
  let inventory: Db; // the consuming subgraph's database
  let relay: OutboxRelay;

  async function openDb(name: string): Promise<Db> {
    await ensureDatabase(serverUrl, `${prefix}${name}`);
    const db = new Db(databaseUrl(serverUrl, `${prefix}${name}`), 5);
    opened.push(db);
    await migrate(db, '/nonexistent'); // kit migrations only: outbox and inbox
    return db;
  }

  beforeAll(async () => {
    // A namespace per run keeps Kafka topics and groups apart from other runs on the same broker.
    bus = await createEventBus({ kafkaBrokers: kafka, databaseUrl: serverUrl, dbPrefix: prefix, clientId: 'events-e2e', log, namespace: prefix });
    expect(bus.kind).toBe(kafka.length ? 'kafka' : 'embedded');
    orders = await openDb('orders');
    inventory = await openDb('inventory');
    await inventory.query(`CREATE TABLE IF NOT EXISTS effects (
      id bigserial PRIMARY KEY, story text NOT NULL, event_id uuid NOT NULL, aggregate_id text NOT NULL, type text NOT NULL, n int)`);
    relay = startOutboxRelay({ db: orders, bus, domain: 'orders', log, pollIntervalMs: 500 });
  });

  afterAll(async () => {
    for (const fn of cleanup.reverse()) await fn().catch(() => undefined);
    await relay?.stop();
    await bus?.close();
    for (const db of opened) await db.close();
  });

  /** A consumer in the inventory database that writes one `effects` row per applied event. */
  async function startConsumer(story: string, domain: string, onEvent?: (e: EventEnvelope, q: Queryable) => Promise<void>) {
    const sub = await consumeEvents({
      db: inventory,
      bus,
      consumer: `inventory.${story}`,
      topics: [topicFor(domain)],
      log,
      handle: async (event, q) => {
        const n = (event.data as { n?: number }).n ?? null;
        await q.query('INSERT INTO effects (story, event_id, aggregate_id, type, n) VALUES ($1, $2, $3, $4, $5)', [
          story,
          event.id,
          event.aggregateId,
          event.type,
          n,
        ]);
        await onEvent?.(event, q);
      },
    });
    cleanup.push(() => sub.close());
    return sub;
  }

  const effects = async (story: string) =>
    (await inventory.query('SELECT event_id, aggregate_id, type, n FROM effects WHERE story = $1 ORDER BY id', [story])).rows;
  const record = (db: Db, domain: string, type: string, aggregateId: string, n?: number) =>
    db.tx((q) => recordEvent(q, domain, { type, aggregateId, data: { n } }));

  it('never publishes an event recorded in a transaction that rolled back', async () => {
    const domain = `rollback-${short}`;
    await startConsumer('rollback', domain);
    await expect(
      orders.tx(async (q) => {
        await recordEvent(q, domain, { type: 'OrderPlaced', aggregateId: 'o-lost', data: {} });
        throw new Error('payment check failed');
      }),
    ).rejects.toThrow('payment check failed');
    await record(orders, domain, 'OrderPlaced', 'o-kept');
    await waitFor(async () => (await effects('rollback')).length === 1);
    await sleep(500); // room for a wrongly published event to arrive after the marker
    expect((await effects('rollback')).map((r) => r.aggregate_id)).toEqual(['o-kept']);
    expect((await orders.query("SELECT 1 FROM outbox WHERE aggregate_id = 'o-lost'")).rowCount).toBe(0);
  });

  it('delivers events of committed transactions in order per aggregate', async () => {
    const domain = `order-${short}`;
    await startConsumer('order', domain);
    const aggregates = ['o-a', 'o-b', 'o-c', 'o-d'];
    for (let n = 1; n <= 10; n++) {
      // Several events per transaction, aggregates interleaved.
      await orders.tx(async (q) => {
        for (const a of aggregates) await recordEvent(q, domain, { type: 'OrderLineAdded', aggregateId: a, data: { n } });
      });
    }
    await waitFor(async () => (await effects('order')).length === 40);
    const rows = await effects('order');
    for (const a of aggregates) {
      expect(rows.filter((r) => r.aggregate_id === a).map((r) => r.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    }
    expect(await relay.pending()).toBe(0);
  });

  it('applies an event delivered twice only once', async () => {
    const domain = `dup-${short}`;
    const topic = topicFor(domain);
    const deliveries: DeliveredMessage[] = [];
    const raw: Subscription = await bus.subscribe({ groupId: `raw.dup.${short}`, topics: [topic], handler: async (m) => void deliveries.push(m) });
    cleanup.push(() => raw.close());
    await startConsumer('dup', domain);
    const event = createEnvelope(domain, { type: 'PaymentAuthorized', aggregateId: 'p-1', data: {} });
    await bus.publish(topic, [envelopeToMessage(event)]);
    await bus.publish(topic, [envelopeToMessage(event)]); // e.g. a relay that crashed before marking
    const marker = createEnvelope(domain, { type: 'PaymentCaptured', aggregateId: 'p-1', data: {} });
    await bus.publish(topic, [envelopeToMessage(marker)]);
    await waitFor(async () => (await effects('dup')).some((r) => r.event_id === marker.id));
    await waitFor(async () => deliveries.length === 3);
    expect(deliveries.filter((m) => JSON.parse(m.value).id === event.id)).toHaveLength(2);
    expect((await effects('dup')).map((r) => r.type)).toEqual(['PaymentAuthorized', 'PaymentCaptured']);
    const inbox = await inventory.query('SELECT 1 FROM inbox WHERE consumer = $1 AND event_id = $2', ['inventory.dup', event.id]);
    expect(inbox.rowCount).toBe(1);
  });

  it('reports a malformed message and goes on with the events behind it', async () => {
    const domain = `garbage-${short}`;
    const topic = topicFor(domain);
    await startConsumer('garbage', domain);
    await bus.publish(topic, [{ key: 'o-g', value: '{"not":"an envelope"}', headers: {} }]);
    await record(orders, domain, 'OrderPlaced', 'o-g');
    await waitFor(async () => (await effects('garbage')).length === 1);
    expect(await registry.metrics()).toMatch(new RegExp(`cloudlab_events_malformed_total\\{topic="${topic.replace('.', '\\.')}"\\} 1`));
  });

  it('retries a handler that fails once and applies the event exactly once', async () => {
    const domain = `retry-${short}`;
    let attempts = 0;
    await startConsumer('retry', domain, async () => {
      // The effect row is already written in this transaction: the failure must roll it back.
      if (++attempts === 1) throw new Error('warehouse service timed out');
    });
    await record(orders, domain, 'StockReserved', 'o-r1');
    await record(orders, domain, 'StockReserved', 'o-r2'); // another order: in the failing batch or beside it
    await waitFor(async () => (await effects('retry')).length === 2);
    await sleep(300);
    expect(attempts).toBe(3);
    expect((await effects('retry')).map((r) => r.aggregate_id).sort()).toEqual(['o-r1', 'o-r2']);
  });

  it('keeps outbox rows while the bus fails and publishes every one once it recovers', async () => {
    const domain = `flaky-${short}`;
    const db = await openDb('flaky');
    let failing = true;
    let rejected = 0;
    const flaky: EventBus = {
      kind: bus.kind,
      publish: async (topic, messages) => {
        if (failing) {
          rejected++;
          throw new Error('broker unavailable');
        }
        return bus.publish(topic, messages);
      },
      subscribe: (o) => bus.subscribe(o),
      lag: (group, topics) => bus.lag(group, topics),
      close: async () => undefined,
    };
    const flakyRelay = startOutboxRelay({ db, bus: flaky, domain, log, pollIntervalMs: 200 });
    cleanup.push(() => flakyRelay.stop());
    await startConsumer('flaky', domain);
    for (let i = 0; i < 5; i++) {
      await db.tx(async (q) => {
        for (let j = 0; j < 4; j++) await recordEvent(q, domain, { type: 'OrderPlaced', aggregateId: `o-f${j}`, data: { n: i } });
      });
    }
    await waitFor(async () => rejected >= 3);
    expect(await flakyRelay.pending()).toBe(20);
    expect(await registry.metrics()).toContain(`cloudlab_outbox_pending{domain="${domain}"} 20`);
    expect(await effects('flaky')).toHaveLength(0);

    failing = false;
    await waitFor(async () => (await effects('flaky')).length === 20, 15_000);
    expect(await flakyRelay.pending()).toBe(0);
    const outbox = await db.query('SELECT id FROM outbox ORDER BY seq');
    expect((await effects('flaky')).map((r) => r.event_id).sort()).toEqual(outbox.rows.map((r) => r.id).sort());
  });

  it('shows every event to every broadcast subscriber, and each event to one member of a group', async () => {
    const topic = topicFor(`fanout-${short}`);
    const seen = { b1: [] as string[], b2: [] as string[], g1: [] as string[], g2: [] as string[] };
    const subscribe = async (who: keyof typeof seen, groupId?: string) => {
      const sub = await bus.subscribe({ groupId, broadcast: !groupId, topics: [topic], handler: async (m) => void seen[who].push(m.key) });
      cleanup.push(() => sub.close());
    };
    await subscribe('b1');
    await subscribe('b2');
    await subscribe('g1', `shared.${short}`);
    await subscribe('g2', `shared.${short}`);
    const keys = Array.from({ length: 12 }, (_, i) => `k${i}`);
    const events = keys.map((k) => envelopeToMessage(createEnvelope('fanout', { type: 'ProductChanged', aggregateId: k, data: {} })));
    await bus.publish(topic, events);
    await waitFor(async () => seen.b1.length === 12 && seen.b2.length === 12 && seen.g1.length + seen.g2.length >= 12);
    await sleep(500);
    expect(seen.b1.sort()).toEqual([...keys].sort());
    expect(seen.b2.sort()).toEqual([...keys].sort());
    expect([...seen.g1, ...seen.g2].sort()).toEqual([...keys].sort());
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(100);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

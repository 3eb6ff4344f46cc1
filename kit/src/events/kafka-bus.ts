import { randomUUID } from 'node:crypto';
import { Admin, ProduceAcks, Producer, stringSerializers } from '@platformatic/kafka';
import type { Logger } from '../logger';
import { checkSubscribeOptions, type BusMessage, type ConsumerTuning, type EventBus, type PartitionLag, type SubscribeOptions, type Subscription } from './bus';
import { KafkaSubscription } from './kafka-subscription';
import { topicSpec, type TopicPolicy } from './kafka-topics';

export interface KafkaBusOptions {
  brokers: string[];
  clientId: string;
  log: Logger;
  /**
   * Prefix for topic and group names on the broker, so several stacks can share one broker
   * (e.g. an e2e run next to `pnpm start`). Subscribers still see the unprefixed topic names.
   */
  namespace?: string;
  /** Partitions, copies and min.insync.replicas of the topics the bus creates (kafka-topics.ts). */
  topics?: TopicPolicy;
  /** Subscriptions' default lanes and batch size. */
  tuning?: ConsumerTuning;
  /** How long subscribe() waits for the consumer to be positioned before returning anyway. */
  readyTimeoutMs?: number;
}

/**
 * The EventBus on Kafka (@platformatic/kafka, pure JS). Topics are created on first use with
 * the Admin API, with as many copies as the cluster allows up to three (min.insync.replicas 2 with
 * three); the producer is idempotent with acks=all, so a resolved publish is on every in-sync
 * replica and its own retries never duplicate. A broker that goes away is survived: the
 * producer reconnects on the next publish (the outbox relay retries until then) and each
 * subscription reopens its stream from the committed offsets.
 */
export function createKafkaBus(options: KafkaBusOptions): EventBus {
  const { brokers, clientId, log } = options;
  if (!brokers.length) throw new Error('Kafka bus: no brokers given (KAFKA_BROKERS)');
  const namespace = options.namespace ?? '';
  const physical = (topic: string) => `${namespace}${topic}`;
  const logical = (topic: string) => (topic.startsWith(namespace) ? topic.slice(namespace.length) : topic);
  const common = { clientId, bootstrapBrokers: brokers, retries: 3, retryDelay: 500 };
  const admin = new Admin(common);
  const onError = (err: Error) => log.warn({ err }, 'Kafka client error');
  const newProducer = () => new Producer({ ...common, serializers: stringSerializers, idempotent: true, acks: ProduceAcks.ALL }).on('error', onError);
  let producer = newProducer();
  admin.on('error', onError);
  const known = new Set<string>();
  const open = new Set<Subscription>();

  /** Creates missing topics; a concurrent creator winning the race is fine. */
  async function ensureTopics(topics: string[]) {
    const missing = topics.filter((t) => !known.has(t));
    if (!missing.length) return;
    const existing = new Set(await admin.listTopics());
    const toCreate = missing.filter((t) => !existing.has(t));
    if (toCreate.length) {
      const { brokers: live } = await admin.metadata({ topics: [] });
      const spec = topicSpec(live.size, options.topics);
      await admin.createTopics({ topics: toCreate, ...spec }).catch(async (err: Error) => {
        const now = new Set(await admin.listTopics());
        if (toCreate.some((t) => !now.has(t))) throw new Error(`Kafka: could not create topics ${toCreate.join(', ')}: ${err.message}`, { cause: err });
      });
      log.info({ topics: toCreate, partitions: spec.partitions, replicas: spec.replicas, minInsync: spec.configs[0]!.value }, 'Kafka topics created');
    }
    for (const t of missing) known.add(t);
  }

  return {
    kind: 'kafka',
    async publish(topic: string, messages: BusMessage[]) {
      if (!messages.length) return;
      const name = physical(topic);
      await ensureTopics([name]);
      const sending = producer;
      try {
        await sending.send({ messages: messages.map((m) => ({ topic: name, key: m.key, value: m.value, headers: m.headers })) });
      } catch (err) {
        // A send that failed part-way (a broker lost mid-batch) leaves the idempotent producer's
        // sequence numbers ahead of what the partition leaders hold: every later send would be
        // refused (OUT_OF_ORDER_SEQUENCE_NUMBER) for good. The caller retries (the outbox keeps the
        // rows) on a new producer, with a new producer id; consumers' inboxes drop any duplicate.
        if (producer === sending) {
          producer = newProducer();
          void sending.close().catch(() => undefined);
        }
        throw err;
      }
    },
    async subscribe(opts: SubscribeOptions): Promise<Subscription> {
      const { broadcast } = checkSubscribeOptions(opts);
      const topics = opts.topics.map(physical);
      // A broadcast subscription is a group of one, unique to this instance, starting at the end.
      const groupId = physical(broadcast ? `${clientId}.broadcast.${randomUUID()}` : opts.groupId!);
      const subscription = new KafkaSubscription({
        brokers,
        clientId,
        groupId,
        topics,
        logicalTopic: logical,
        fromBeginning: broadcast ? false : (opts.fromBeginning ?? true),
        delivery: {
          handler: opts.handler,
          handleBatch: opts.handleBatch,
          lanes: opts.lanes ?? options.tuning?.lanes ?? 4,
          maxBatch: opts.maxBatch ?? options.tuning?.maxBatch ?? 50,
        },
        log,
        readyTimeoutMs: options.readyTimeoutMs ?? 15_000,
        // Inside the subscription's retry loop, so a process can start while the broker is away.
        prepare: () => ensureTopics(topics),
      });
      await subscription.start();
      const handle: Subscription = {
        close: async () => {
          open.delete(handle);
          await subscription.close();
          // Its committed offsets are of no use to anyone once this instance stops listening.
          if (broadcast) await admin.deleteGroups({ groups: [groupId] }).catch(() => undefined);
        },
      };
      open.add(handle);
      return handle;
    },
    async lag(groupId: string, topics: string[]): Promise<PartitionLag[]> {
      const names = topics.map(physical);
      const metadata = await admin.metadata({ topics: names });
      const partitions = names.map((name) => ({ name, indexes: Array.from({ length: metadata.topics.get(name)?.partitionsCount ?? 0 }, (_, i) => i) }));
      const [committed] = await admin.listConsumerGroupOffsets({
        groups: [{ groupId: physical(groupId), topics: partitions.map((t) => ({ name: t.name, partitionIndexes: t.indexes })) }],
      });
      const at = new Map<string, bigint>();
      for (const t of committed?.topics ?? []) for (const p of t.partitions) at.set(`${t.name}:${p.partitionIndex}`, p.committedOffset);
      const ends = await admin.listOffsets({
        topics: partitions.map((t) => ({ name: t.name, partitions: t.indexes.map((partitionIndex) => ({ partitionIndex, timestamp: -1n })) })),
      });
      // A partition the group never committed on (-1) counts from its start.
      return ends.flatMap((t) =>
        t.partitions.map((p) => {
          const done = at.get(`${t.name}:${p.partitionIndex}`) ?? 0n;
          return { topic: logical(t.name), partition: p.partitionIndex, lag: Number(p.offset - (done < 0n ? 0n : done)) };
        }),
      );
    },
    async close() {
      await Promise.all([...open].map((s) => s.close()));
      await producer.close().catch((err: Error) => log.warn({ err }, 'Kafka producer close failed'));
      await admin.close().catch(() => undefined);
    },
  };
}

import type { Logger } from '../logger';
import type { ConsumerTuning, EventBus } from './bus';
import type { TopicPolicy } from './kafka-topics';
import { createPgLogBus } from './pg-log-bus';

export * from './bus';
export * from './envelope';
// The Kafka client (@platformatic/kafka) is loaded only when brokers are configured (createEventBus):
// importing it costs ~0.6 s of CPU per process, which the embedded log never needs.
export type { KafkaBusOptions } from './kafka-bus';
export type { TopicPolicy } from './kafka-topics';
export { createPgLogBus, type PgLogBusOptions } from './pg-log-bus';
export { recordEvent, recordEvents, OUTBOX_CHANNEL } from './outbox';
export * from './payloads';
export { MalformedEventError, recordDomainEvent, recordDomainEvents, handleEvents, readEvent, type EventConsumer, type EventHandlers } from './domain-events';
export { startOutboxRelay, type OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
export { consumeEvents, type ConsumeEventsOptions } from './inbox';
export { splitIntoLanes, type BatchHandler } from './lanes';
export { eventMetrics } from './metrics';
export { traceHeadersForNewEvent, withConsumerSpan } from './trace-context';

export interface EventBusConfig {
  /** KAFKA_BROKERS split on commas; empty or absent = the embedded log. */
  kafkaBrokers?: string[];
  /** The Postgres server (DATABASE_URL); the embedded log uses its database `<dbPrefix>events`. */
  databaseUrl: string;
  dbPrefix: string;
  /** Names this process to the broker, e.g. the subgraph name. */
  clientId: string;
  log: Logger;
  /** Kafka only: prefix for topic and group names on a shared broker (see KafkaBusOptions). */
  namespace?: string;
  /** Kafka only: partitions, copies and min.insync.replicas of the topics the bus creates. */
  topics?: TopicPolicy;
  /** Subscriptions' default lanes and batch size. */
  tuning?: ConsumerTuning;
}

/**
 * The bus for this process: Kafka when brokers are configured, else the embedded log on the
 * Postgres server every subgraph already uses, so `pnpm start` needs nothing else installed.
 */
export async function createEventBus(config: EventBusConfig): Promise<EventBus> {
  const brokers = (config.kafkaBrokers ?? []).map((b) => b.trim()).filter(Boolean);
  const log = config.log.child({ component: 'events' });
  if (brokers.length) {
    log.info({ brokers, namespace: config.namespace }, 'event bus: Kafka');
    const { createKafkaBus } = await import('./kafka-bus');
    return createKafkaBus({ brokers, clientId: config.clientId, log, namespace: config.namespace, topics: config.topics, tuning: config.tuning });
  }
  log.info({ database: `${config.dbPrefix}events` }, 'event bus: embedded log in Postgres');
  return createPgLogBus({ serverUrl: config.databaseUrl, dbPrefix: config.dbPrefix, log, tuning: config.tuning });
}

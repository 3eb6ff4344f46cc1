import type { Db } from '../db/pool';
import { consumeEvents, createEventBus, startOutboxRelay, type ConsumerTuning, type EventBus, type Subscription, type TopicPolicy } from '../events';
import { trackConsumerLag } from '../events/metrics';
import type { Logger } from '../logger';
import { measuredProjection } from '../read-model/metrics';
import type { SubgraphDefinition } from './definition';

/**
 * A subgraph's part in the event flow: the relay that publishes its outbox to
 * `cloudlab.<name>`, its consumer (group = subgraph name) and its timers.
 */
export async function startEvents(
  def: SubgraphDefinition<any>,
  deps: {
    db: Db;
    log: Logger;
    databaseUrl: string;
    dbPrefix: string;
    kafkaBrokers: string;
    namespace: string;
    topics?: TopicPolicy;
    tuning?: ConsumerTuning;
    outboxBatchSize?: number;
  },
): Promise<{ bus: EventBus; stop: () => Promise<void> }> {
  const { log } = deps;
  const db = deps.db.withSource('events');
  const bus = await createEventBus({
    kafkaBrokers: deps.kafkaBrokers.split(','),
    databaseUrl: deps.databaseUrl,
    dbPrefix: deps.dbPrefix,
    clientId: def.name,
    namespace: deps.namespace,
    topics: deps.topics,
    tuning: deps.tuning,
    log,
  });
  const relay = startOutboxRelay({ db, bus, domain: def.name, log, batchSize: deps.outboxBatchSize });
  let consumer: Subscription | undefined;
  let untrackLag = () => undefined as void;
  if (def.consumes) {
    const { topics, handle, prepare, finish } = def.readModel ? measuredProjection(def.name, def.consumes) : def.consumes;
    consumer = await consumeEvents({ db, bus, consumer: def.name, topics, handle, prepare, finish, log });
    untrackLag = trackConsumerLag(def.name, () => bus.lag(def.name, topics));
  }
  const timers = (def.timers ?? []).map((timer) => {
    let running = false;
    return setInterval(() => {
      if (running) return;
      running = true;
      timer
        .run({ db, log, bus })
        .catch((err) => log.error({ err, timer: timer.name }, 'timer failed'))
        .finally(() => (running = false));
    }, timer.everyMs);
  });
  return {
    bus,
    stop: async () => {
      for (const t of timers) clearInterval(t);
      untrackLag();
      await consumer?.close();
      await relay.stop();
      await bus.close();
    },
  };
}

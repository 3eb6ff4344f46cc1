import { oneAtATime } from './one-at-a-time';
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
    /**
     * The relay, the consumer and the timers start once this settles (the bus at once: graphql-ws
     * subscriptions need it). A subgraph loading its demo data in the background (SEED_IN_BACKGROUND)
     * passes the seed: events then wait in the log instead of meeting tables the seed still fills.
     */
    after?: Promise<unknown>;
  },
): Promise<{ bus: EventBus; flowing: Promise<void>; stop: () => Promise<void> }> {
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
  let stopped = false;
  let relay: { stop: () => Promise<void> } | undefined;
  let consumer: Subscription | undefined;
  let untrackLag = () => undefined as void;
  let timers: NodeJS.Timeout[] = [];
  const start = async () => {
    relay = startOutboxRelay({ db, bus, domain: def.name, log, batchSize: deps.outboxBatchSize });
    const runs = (def.timers ?? []).map((timer) => ({
      timer,
      run: oneAtATime(() => timer.run({ db, log, bus }).catch((err) => log.error({ err, timer: timer.name }, 'timer failed')).then(() => undefined), () => stopped),
    }));
    // Timers with `afterEvents` also run as soon as the consumer has committed a batch.
    const kicks = runs.filter((r) => r.timer.afterEvents).map((r) => r.run.kick);
    if (def.consumes) {
      const { topics, handle, prepare, finish } = def.readModel ? measuredProjection(def.name, def.consumes) : def.consumes;
      const applied = kicks.length ? () => kicks.forEach((kick) => kick()) : undefined;
      consumer = await consumeEvents({ db, bus, consumer: def.name, topics, handle, prepare, finish, log, applied });
      untrackLag = trackConsumerLag(def.name, () => bus.lag(def.name, topics));
    }
    timers = runs.map(({ timer, run }) => setInterval(() => run.tick(), timer.everyMs));
  };
  // Without a gate the flow is running when this returns; with one, it starts when the gate opens
  // (a failed gate starts nothing: the process exits on it, run.ts).
  const started = deps.after ? deps.after.then(() => (stopped ? undefined : start()), () => undefined) : start();
  if (!deps.after) await started;
  return {
    bus,
    /** Settles once the relay, the consumer and the timers run (at once without `after`). */
    flowing: started,
    stop: async () => {
      stopped = true;
      await started.catch(() => undefined);
      for (const t of timers) clearInterval(t);
      untrackLag();
      await consumer?.close();
      await relay?.stop();
      await bus.close();
    },
  };
}

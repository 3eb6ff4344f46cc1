import type { Db } from '../db/pool';
import { consumeEvents, createEventBus, startOutboxRelay, type EventBus, type Subscription } from '../events';
import type { Logger } from '../logger';
import type { SubgraphDefinition } from './definition';

/**
 * A subgraph's part in the event flow: the relay that publishes its outbox to
 * `cloudlab.<name>`, its consumer (group = subgraph name) and its timers.
 */
export async function startEvents(
  def: SubgraphDefinition<any>,
  deps: { db: Db; log: Logger; databaseUrl: string; dbPrefix: string; kafkaBrokers: string; namespace: string },
): Promise<{ bus: EventBus; stop: () => Promise<void> }> {
  const { log } = deps;
  const db = deps.db.withSource('events');
  const bus = await createEventBus({
    kafkaBrokers: deps.kafkaBrokers.split(','),
    databaseUrl: deps.databaseUrl,
    dbPrefix: deps.dbPrefix,
    clientId: def.name,
    namespace: deps.namespace,
    log,
  });
  const relay = startOutboxRelay({ db, bus, domain: def.name, log });
  let consumer: Subscription | undefined;
  if (def.consumes) {
    consumer = await consumeEvents({ db, bus, consumer: def.name, topics: def.consumes.topics, handle: def.consumes.handle, log });
  }
  const timers = (def.timers ?? []).map((timer) => {
    let running = false;
    return setInterval(() => {
      if (running) return;
      running = true;
      timer
        .run({ db, log })
        .catch((err) => log.error({ err, timer: timer.name }, 'timer failed'))
        .finally(() => (running = false));
    }, timer.everyMs);
  });
  return {
    bus,
    stop: async () => {
      for (const t of timers) clearInterval(t);
      await consumer?.close();
      await relay.stop();
      await bus.close();
    },
  };
}

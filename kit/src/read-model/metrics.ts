import { Gauge } from 'prom-client';
import type { EventConsumer } from '../events/domain-events';
import { registry } from '../metrics';

const lagSeconds = new Gauge({
  name: 'cloudlab_read_model_lag_seconds',
  help: 'Age of the newest event a read model applied (now minus the event time) when it was applied',
  labelNames: ['read_model'],
  registers: [registry],
});

/**
 * The consumer of a read model, measuring how far behind the events it applies are: with
 * cloudlab_consumer_lag (messages not yet consumed) this tells how stale the answers are.
 */
export function measuredProjection(readModel: string, consumer: EventConsumer): EventConsumer {
  return {
    ...consumer,
    async handle(event, q) {
      await consumer.handle(event, q);
      const age = (Date.now() - Date.parse(event.time)) / 1000;
      if (Number.isFinite(age)) lagSeconds.set({ read_model: readModel }, Math.max(0, age));
    },
  };
}

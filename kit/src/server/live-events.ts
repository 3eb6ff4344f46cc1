import { Gauge } from 'prom-client';
import { messageToEnvelope, type EventBus, type EventEnvelope, type Subscription } from '../events';
import type { Logger } from '../logger';
import { registry } from '../metrics';
import { pushIterator, type PushIterator } from '../push-iterator';

/**
 * What subscription resolvers read events from (`ctx.live`). Every instance of a subgraph holds
 * one broadcast subscription on the bus (Kafka, or the embedded log) for the topics its
 * subscriptions need, so it sees every event whichever instance wrote it, and fans them out to
 * its own GraphQL subscribers in process. One bus subscription per instance, not per
 * subscriber: a thousand subscribers cost one consumer.
 */
export interface LiveEvents {
  /**
   * Events from now on that `filter` accepts. The listener is registered before this returns,
   * so an event recorded after the call is never missed; `return()` unregisters it.
   */
  listen(filter: (event: EventEnvelope) => boolean): PushIterator<EventEnvelope>;
}

const listeners = new Gauge({
  name: 'cloudlab_subgraph_subscriptions',
  help: 'Live GraphQL subscriptions listening to events in this subgraph instance',
  registers: [registry],
});

export async function startLiveEvents(deps: {
  bus: EventBus;
  topics: string[];
  log: Logger;
  /** Events a slow subscriber may have queued before its subscription is ended. */
  maxQueue?: number;
}): Promise<{ live: LiveEvents; close: () => Promise<void> }> {
  const active = new Set<{ filter: (e: EventEnvelope) => boolean; stream: PushIterator<EventEnvelope> }>();
  const log = deps.log.child({ component: 'live' });

  const subscription: Subscription = await deps.bus.subscribe({
    broadcast: true,
    topics: deps.topics,
    // Never throws: a failing handler would make the bus retry the message and stall every
    // subscriber of this instance behind one bad listener.
    handler: async (message) => {
      const decoded = messageToEnvelope(message);
      if (!decoded.ok) {
        log.warn({ topic: message.topic, offset: message.offset, reason: decoded.reason }, 'live: skipped a malformed event');
        return;
      }
      for (const entry of active) {
        try {
          if (entry.filter(decoded.event)) entry.stream.push(decoded.event);
        } catch (err) {
          log.warn({ err, type: decoded.event.type }, 'live: a subscription filter failed; ending that subscription');
          entry.stream.end(err);
        }
      }
    },
  });
  log.info({ topics: deps.topics }, 'live events: broadcast subscription open');

  return {
    live: {
      listen(filter) {
        const entry = {
          filter,
          stream: pushIterator<EventEnvelope>({
            maxQueue: deps.maxQueue,
            onClose: () => {
              if (active.delete(entry)) listeners.dec();
            },
          }),
        };
        active.add(entry);
        listeners.inc();
        return entry.stream;
      },
    },
    close: async () => {
      for (const entry of [...active]) entry.stream.end();
      await subscription.close();
    },
  };
}

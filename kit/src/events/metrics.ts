import { Counter, Gauge } from 'prom-client';
import type { PartitionLag } from './bus';
import { registry } from '../metrics';

/** Outbox backlog per domain, read from the database at scrape time (see outbox-relay.ts). */
const pendingSources = new Map<string, () => Promise<number>>();
/** Consumer lag per group, read from the bus at scrape time (see server/events.ts). */
const lagSources = new Map<string, () => Promise<PartitionLag[]>>();

export const eventMetrics = {
  published: new Counter({
    name: 'cloudlab_events_published_total',
    help: 'Events the outbox relay handed to the bus',
    labelNames: ['topic'],
    registers: [registry],
  }),
  consumed: new Counter({
    name: 'cloudlab_events_consumed_total',
    help: 'Events a consumer applied (outcome=applied) or skipped as already processed (outcome=duplicate)',
    labelNames: ['consumer', 'outcome'],
    registers: [registry],
  }),
  malformed: new Counter({
    name: 'cloudlab_events_malformed_total',
    help: 'Messages that were not a valid event envelope, or whose payload did not match its event schema; reported and skipped',
    labelNames: ['topic'],
    registers: [registry],
  }),
  handlerFailures: new Counter({
    name: 'cloudlab_event_handler_failures_total',
    help: 'Event handler attempts that threw and were retried',
    labelNames: ['topic', 'group'],
    registers: [registry],
  }),
  outboxPending: new Gauge({
    name: 'cloudlab_outbox_pending',
    help: 'Outbox rows not yet published, per domain',
    labelNames: ['domain'],
    registers: [registry],
    async collect() {
      for (const [domain, read] of pendingSources) {
        // A scrape must not fail because one database is briefly away; the last value stays.
        const value = await read().catch(() => undefined);
        if (value !== undefined) this.set({ domain }, value);
      }
    },
  }),
  consumerLag: new Gauge({
    name: 'cloudlab_consumer_lag',
    help: 'Messages published but not yet consumed (committed), per consumer group, topic and partition',
    labelNames: ['group', 'topic', 'partition'],
    registers: [registry],
    async collect() {
      for (const [group, read] of lagSources) {
        const lags = await read().catch(() => undefined);
        for (const l of lags ?? []) this.set({ group, topic: l.topic, partition: String(l.partition) }, l.lag);
      }
    },
  }),
};

export function trackConsumerLag(group: string, read: () => Promise<PartitionLag[]>): () => void {
  lagSources.set(group, read);
  return () => {
    if (lagSources.get(group) === read) lagSources.delete(group);
  };
}

export function trackOutboxPending(domain: string, read: () => Promise<number>): () => void {
  pendingSources.set(domain, read);
  return () => {
    if (pendingSources.get(domain) === read) pendingSources.delete(domain);
  };
}

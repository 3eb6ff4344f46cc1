import type { Logger } from '@cloudlab/kit';
import { Topics, createEventBus, messageToEnvelope, type EventBus, type Subscription } from '@cloudlab/kit/events';
import { idsIn, listingTag } from './plugins/response-cache';

/**
 * Domains whose events change what cached responses show: stock levels (inventory), products'
 * names, prices, categories and archiving (catalog), a product's rating and review count (reviews),
 * its images (content: MediaReady, ProductImagesChanged).
 */
export const INVALIDATING_TOPICS: string[] = [Topics.inventory, Topics.catalog, Topics.reviews, Topics.content];

/**
 * Events that add an entity to a listing whose cached pages do not name it yet: a new product
 * is first in `products` (newest first). Its category's pages carry the category id already.
 */
const LISTINGS: Record<string, string[]> = { ProductCreated: [listingTag('products')] };

/**
 * Ids an event carries for its consumers but does not change: a product's vendor. Dropping every
 * response that shows that vendor (nearly every storefront page) for one price change would
 * empty the cache for nothing.
 */
const UNCHANGED = new Set(['vendorId']);
const catalogEvents = new Set(['ProductCreated', 'ProductUpdated', 'ProductArchived', 'MediaReady', 'ProductImagesChanged']);

/** What an event invalidates: its aggregate id, the `…Id`s in its data it changes, and the listings it adds to. */
export function tagsOf(event: { type: string; aggregateId: string; data: unknown }): Set<string> {
  const data = catalogEvents.has(event.type) && event.data && typeof event.data === 'object'
    ? Object.fromEntries(Object.entries(event.data).filter(([key]) => !UNCHANGED.has(key)))
    : event.data;
  const tags = idsIn(data, new Set([event.aggregateId.toLowerCase()]));
  for (const tag of LISTINGS[event.type] ?? []) tags.add(tag);
  return tags;
}

export interface InvalidationOptions {
  databaseUrl?: string;
  dbPrefix: string;
  kafkaBrokers: string;
  namespace: string;
  invalidate: (ids: Iterable<string>, by: string) => Promise<number>;
  log: Logger;
}

/**
 * Deletes cached responses when the entities they show change: a broadcast subscription (every
 * gateway instance sees every event; with Redis each deletes the same shared entries, which is
 * harmless) to the domains' topics. An event's ids are its aggregate id and every `…Id` in its
 * data, e.g. StockChanged {productId} → every response tagged with that product.
 * Keeps trying in the background while the bus is unreachable; the cache's TTLs bound staleness.
 */
export function startCacheInvalidation(o: InvalidationOptions): { ready: Promise<void>; stop: () => Promise<void> } {
  const log = o.log.child({ component: 'cache-invalidation' });
  if (!o.databaseUrl && !o.kafkaBrokers) {
    log.info('no event bus (DATABASE_URL or KAFKA_BROKERS): cached responses expire by their maxAge only');
    return { ready: Promise.resolve(), stop: async () => undefined };
  }
  let bus: EventBus | undefined;
  let subscription: Subscription | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const connect = async () => {
    try {
      bus = await createEventBus({
        kafkaBrokers: o.kafkaBrokers.split(','),
        databaseUrl: o.databaseUrl ?? '',
        dbPrefix: o.dbPrefix,
        clientId: 'gateway',
        namespace: o.namespace,
        log,
      });
      subscription = await bus.subscribe({
        broadcast: true,
        topics: INVALIDATING_TOPICS,
        handler: async (message) => {
          const decoded = messageToEnvelope(message);
          if (!decoded.ok) return log.warn({ topic: message.topic, reason: decoded.reason }, 'skipping a message that is not an event');
          const { event } = decoded;
          const n = await o.invalidate(tagsOf(event), event.type);
          if (n) log.debug({ type: event.type, aggregateId: event.aggregateId, deleted: n }, 'cached responses invalidated');
        },
      });
      log.info({ topics: INVALIDATING_TOPICS, bus: bus.kind }, 'response cache listens for changes');
      if (stopped) await close();
    } catch (err) {
      log.error({ err }, 'cannot subscribe to the event bus; retrying in 5 s (cached responses expire by maxAge meanwhile)');
      await bus?.close().catch(() => undefined);
      bus = undefined;
      if (!stopped) timer = setTimeout(() => void connect(), 5000);
    }
  };
  const close = async () => {
    await subscription?.close();
    await bus?.close();
  };
  const started = connect();
  return {
    /** Settles once the first attempt to subscribe has succeeded or failed. */
    ready: started,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await started;
      await close();
    },
  };
}

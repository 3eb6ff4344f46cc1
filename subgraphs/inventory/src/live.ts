import { badInput, isUuid, mapStream, type SubgraphContext } from '@cloudlab/kit';
import { Topics, readEvent, type EventData, type EventEnvelope } from '@cloudlab/kit/events';

/** Products one `stockChanged` subscription may follow. */
export const MAX_FOLLOWED_PRODUCTS = 100;

export const LIVE_TOPICS = [Topics.inventory];

/**
 * `stockChanged`: the StockChanged events inventory records whenever a product's totals move
 * (restocks, reservations, sales, releases), read from this instance's broadcast subscription,
 * so a change written by any inventory instance reaches subscribers on every instance.
 */
export const subscriptionResolvers = {
  Subscription: {
    stockChanged: {
      subscribe: (_: unknown, { productIds }: { productIds: string[] }, ctx: SubgraphContext) => {
        if (!ctx.live) throw new Error('stockChanged needs the graphql-ws endpoint');
        if (productIds.length === 0 || productIds.length > MAX_FOLLOWED_PRODUCTS) {
          throw badInput(`productIds must list 1 to ${MAX_FOLLOWED_PRODUCTS} products`, 'productIds');
        }
        // Unknown or malformed ids are allowed: they simply never change.
        const followed = new Set(productIds.map((id) => id.toLowerCase()).filter(isUuid));
        const events = ctx.live.listen((e) => e.type === 'StockChanged' && followed.has(e.aggregateId.toLowerCase()));
        return mapStream(events, (e: EventEnvelope) => {
          const change = readEvent('StockChanged', e);
          if (change.ok) return change.data;
          ctx.log.warn({ eventId: e.id, reason: change.reason }, 'stockChanged: malformed event skipped');
          return undefined;
        });
      },
      resolve: (change: StockChange) => change,
    },
  },
  StockChange: {
    product: (c: StockChange) => ({ __typename: 'Product', id: c.productId }),
  },
};

// Totals arrive as numbers: the payload schema converts the SQL sums the driver hands over as strings.
type StockChange = EventData<'StockChanged'>;

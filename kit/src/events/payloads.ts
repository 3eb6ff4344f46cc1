import { z } from 'zod';

/**
 * The event catalog: every domain event's payload, typed once and shared by its producer
 * (`recordDomainEvent` checks what it writes) and its consumers (`handleEvents` parses what they
 * read). Adding a field is a change here first; the compiler then shows every producer.
 */

/** One topic per producing domain; consumers name topics through this, never as strings. */
export const Topics = {
  accounts: 'cloudlab.accounts',
  catalog: 'cloudlab.catalog',
  inventory: 'cloudlab.inventory',
  orders: 'cloudlab.orders',
  payments: 'cloudlab.payments',
  reviews: 'cloudlab.reviews',
  analytics: 'cloudlab.analytics',
  notifications: 'cloudlab.notifications',
  content: 'cloudlab.content',
} as const;
export type Domain = keyof typeof Topics;

const id = z.string().uuid();
const amount = z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal string, e.g. "12.50"');
const currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code, e.g. EUR');
// Stock totals are SQL sums, which the driver hands over as strings (bigint); consumers get numbers.
const count = z.union([z.number().int(), z.string().regex(/^-?\d+$/)]).transform(Number);

const orderRef = z.object({ orderId: id });
const paymentRef = z.object({ orderId: id, paymentId: id });

export const EventPayloads = {
  accounts: {
    /** A newcomer signed up (role CUSTOMER). Carries name and email so a welcome mail needs no lookup: PII, keep consumers few. */
    UserSignedUp: z.object({ userId: id, email: z.string().email(), name: z.string(), role: z.enum(['CUSTOMER', 'VENDOR', 'ADMIN']) }),
    /** An admin opened a vendor (tenant). */
    VendorCreated: z.object({ vendorId: id, name: z.string(), slug: z.string() }),
  },
  reviews: {
    /** A customer reviewed a product; `verifiedPurchase` as known when it was written. */
    ReviewPosted: z.object({
      reviewId: id, productId: id, authorId: id, rating: z.number().int().min(1).max(5), verifiedPurchase: z.boolean(),
    }),
  },
  catalog: {
    /**
     * A product listed (or one changed/archived). `version` counts the product's changes (1 when
     * listed): a consumer keeps the highest it has seen, so a late, older event changes nothing.
     */
    ProductCreated: z.object({
      productId: id, vendorId: id, version: z.number().int().min(1), sku: z.string(), name: z.string(),
      description: z.string(), price: amount, currency, categoryId: id,
    }),
    /** The fields that changed (absent: unchanged), and always the current price. */
    ProductUpdated: z.object({
      productId: id, vendorId: id, version: z.number().int().min(1), name: z.string().optional(),
      description: z.string().optional(), categoryId: id.optional(), price: amount, currency,
    }),
    ProductArchived: z.object({ productId: id, vendorId: id, version: z.number().int().min(1) }),
  },
  orders: {
    OrderPlaced: z.object({
      orderId: id,
      customerId: id,
      total: amount,
      currency,
      lines: z.array(z.object({ productId: id, vendorId: id, quantity: z.number().int().min(1), unitPrice: amount })).min(1),
    }),
    /** The saga asks payments to authorize the order's total (after the stock was reserved). */
    PaymentRequested: z.object({ orderId: id, customerId: id, amount, currency, paymentToken: z.string().min(1) }),
    OrderConfirmed: orderRef,
    /**
     * `wasConfirmed`: the order had been confirmed (its stock sold, its payment authorized, never
     * captured: payments voids an authorization and refunds only a captured payment).
     */
    OrderCancelled: orderRef.extend({ reason: z.string().nullable(), wasConfirmed: z.boolean().optional() }),
    /** Every vendor in the order has shipped its lines (the order is SHIPPED): payments captures. */
    OrderShipped: orderRef.extend({
      customerId: id,
      shipments: z.array(z.object({ vendorId: id, carrier: z.string(), trackingNumber: z.string(), shippedAt: z.string() })).min(1),
    }),
  },
  inventory: {
    StockReserved: orderRef,
    StockReservationFailed: orderRef.extend({ reason: z.string() }),
    StockChanged: z.object({ productId: id, available: count, reserved: count }),
  },
  analytics: {
    /**
     * A sale from before the marketplace's event log began (the demo's months of history, loaded
     * by analytics' seed): one per order with its final outcome. Only analytics reads it, and a
     * rebuild replays it like any other event. `placedAt`: ISO time; its UTC day is the order's day.
     */
    HistoricOrderImported: z.object({
      orderId: id, placedAt: z.string().datetime({ offset: true }), currency, outcome: z.enum(['CONFIRMED', 'CANCELLED']),
      lines: z.array(z.object({ productId: id, vendorId: id, quantity: z.number().int().min(1), unitPrice: amount })).min(1),
    }),
  },
  notifications: {
    /**
     * A notification was stored for a user (`userId`) or for a vendor's staff (`vendorId`): feeds
     * the `notificationAdded` subscription on every notifications instance. `createdAt`: ISO time.
     */
    NotificationCreated: z.object({
      notificationId: id, userId: id.nullable(), vendorId: id.nullable(), kind: z.string(), title: z.string(),
      body: z.string(), link: z.string(), createdAt: z.string(),
    }),
  },
  content: {
    /** An image was checked and resized: its product's pages show it now (the gateway's cache drops them). */
    MediaReady: z.object({ mediaId: id, productId: id, vendorId: id, position: z.number().int().min(0) }),
    /** A product's images were reordered or one was deleted (`mediaIds`: its ready images in their new order). */
    ProductImagesChanged: z.object({ productId: id, vendorId: id, mediaIds: z.array(id) }),
  },
  payments: {
    PaymentAuthorized: paymentRef,
    PaymentFailed: paymentRef.extend({ reason: z.string() }),
    PaymentVoided: paymentRef,
    PaymentRefunded: paymentRef,
    /** The authorized amount was captured when the order shipped. */
    PaymentCaptured: paymentRef.extend({ amount, currency }),
  },
} as const satisfies Partial<Record<Domain, Record<string, z.ZodTypeAny>>>;

type Catalog = typeof EventPayloads;
/** The domains that produce events, and the event types each one records. */
export type ProducingDomain = keyof Catalog;
export type EventTypeOf<D extends ProducingDomain> = keyof Catalog[D] & string;
export type EventType = { [D in ProducingDomain]: EventTypeOf<D> }[ProducingDomain];
type SchemaOf<T extends EventType> = { [D in ProducingDomain]: T extends keyof Catalog[D] ? Catalog[D][T] : never }[ProducingDomain];
/** What a producer passes for event `T`. */
export type EventInput<T extends EventType> = z.input<SchemaOf<T>>;
/** What a consumer of event `T` gets. */
export type EventData<T extends EventType> = z.output<SchemaOf<T>>;

const byType = new Map<string, { domain: ProducingDomain; schema: z.ZodTypeAny }>(
  Object.entries(EventPayloads).flatMap(([domain, events]) =>
    Object.entries(events).map(([type, schema]) => [type, { domain: domain as ProducingDomain, schema }] as const),
  ),
);

/** The domain (and so the topic) that produces event `type`. */
export function domainOf(type: EventType): ProducingDomain {
  return byType.get(type)!.domain;
}

export function isEventType(type: string): type is EventType {
  return byType.has(type);
}

export type ParsedPayload<T extends EventType> = { ok: true; data: EventData<T> } | { ok: false; reason: string };

/** Checks `data` against event `type`'s schema; the reason names every offending field. */
export function parsePayload<T extends EventType>(type: T, data: unknown): ParsedPayload<T> {
  const checked = byType.get(type)!.schema.safeParse(data);
  if (checked.success) return { ok: true, data: checked.data };
  const reason = checked.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  return { ok: false, reason: `malformed ${type} payload: ${reason}` };
}

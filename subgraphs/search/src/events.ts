import { handleEvents } from '@cloudlab/kit/events';
import { addRating, applyCatalog, applyStock } from './store';

/**
 * Search's read model is fed only by these events (typed payloads, kit/src/events/payloads.ts);
 * each handler runs in one transaction with its inbox record, so a redelivered event has no
 * second effect, and each write keeps the newest value whatever order events arrive in
 * (store.ts: per-field catalog versions, StockChanged by its time, ratings as sums).
 */
export const consumes = handleEvents({
  ProductCreated: (e, q, event) =>
    applyCatalog(q, [{
      id: e.productId, version: e.version, listed: true, vendorId: e.vendorId, createdAt: event.time,
      name: e.name, description: e.description, categoryId: e.categoryId, price: e.price, currency: e.currency,
    }]),
  ProductUpdated: (e, q) =>
    applyCatalog(q, [{
      id: e.productId, version: e.version, vendorId: e.vendorId,
      name: e.name, description: e.description, categoryId: e.categoryId, price: e.price, currency: e.currency,
    }]),
  ProductArchived: (e, q) => applyCatalog(q, [{ id: e.productId, version: e.version, archived: true, vendorId: e.vendorId }]),
  StockChanged: (e, q, event) => applyStock(q, e.productId, e.available, event.time),
  ReviewPosted: (e, q) => addRating(q, e.productId, e.rating),
});

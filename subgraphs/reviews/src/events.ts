import { handleEvents } from '@cloudlab/kit/events';
import { recordOrder, rememberProducts, settleOrder } from './write-store';

/**
 * What reviews learns from others, so writeReview never calls them: which products exist
 * (catalog) and which customers bought what (orders; `verifiedPurchase`).
 */
export const consumes = handleEvents({
  ProductCreated: ({ productId }, q) => rememberProducts(q, [productId]),
  OrderPlaced: async ({ orderId, customerId, lines }, q) => {
    const productIds = lines.map((l) => l.productId);
    await rememberProducts(q, productIds);
    await recordOrder(q, orderId, customerId, productIds);
  },
  OrderConfirmed: ({ orderId }, q) => settleOrder(q, orderId, true),
  OrderCancelled: ({ orderId }, q) => settleOrder(q, orderId, false),
});

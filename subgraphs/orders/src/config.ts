import { env, loadConfigOrExit } from '@cloudlab/kit';

/** The saga's clock: a step that has not finished in time cancels the order. */
export const config = loadConfigOrExit({
  SAGA_STEP_TIMEOUT_MS: env.int(10_000, 100),
  // Open orders (PENDING or STOCK_RESERVED) above which placeOrder answers RATE_LIMITED (backpressure.ts).
  SAGA_MAX_PENDING_ORDERS: env.int(200, 1),
  // The Retry-After (seconds) of that refusal.
  SAGA_RETRY_AFTER_SECONDS: env.int(1, 1),
  ORDER_MAX_LINES: env.int(50, 1),
  // Units of one product in an order (its lines for that product together).
  ORDER_MAX_QUANTITY: env.int(1000, 1),
  // Units in an order, all products together.
  ORDER_MAX_TOTAL_QUANTITY: env.int(5000, 1),
  PAYMENT_TOKEN_MAX_LENGTH: env.int(200, 1),
  // Characters of a shipment's carrier and of its tracking number (shipOrder).
  SHIPMENT_FIELD_MAX_LENGTH: env.int(100, 1),
});

import { env, loadConfigOrExit } from '@cloudlab/kit';

/** What vendors may write into a product (product-rules.ts), read once at start. */
export const config = loadConfigOrExit({
  // Prices are numeric(12, 2): env.decimal keeps the maximum below the column's 9,999,999,999.99.
  PRODUCT_MAX_PRICE: env.decimal('1000000.00'),
  PRODUCT_SKU_MAX_LENGTH: env.int(64, 1),
  PRODUCT_NAME_MAX_LENGTH: env.int(200, 1),
  PRODUCT_DESCRIPTION_MAX_LENGTH: env.int(5000, 1),
});
export type ProductLimits = typeof config;

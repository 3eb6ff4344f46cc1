import { env, loadConfigOrExit } from '@cloudlab/kit';

/** Notifications' settings (README configuration table). */
export const config = loadConfigOrExit({
  // LOW_STOCK goes to the vendor when a product's available stock drops below this (once per crossing).
  NOTIFICATIONS_LOW_STOCK_THRESHOLD: env.int(5, 1),
  // Notifications older than this many days are deleted (hourly check).
  NOTIFICATIONS_RETENTION_DAYS: env.int(90, 1),
});

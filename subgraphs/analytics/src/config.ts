import { env, loadConfigOrExit } from '@cloudlab/kit';

/** Analytics' settings (README configuration table). */
export const config = loadConfigOrExit({
  // Longest report range in days (from and to inclusive): a year and a bit, so year-on-year fits.
  ANALYTICS_MAX_RANGE_DAYS: env.int(400, 1),
  // Monthly partitions older than this many months are dropped (with the orders placed then).
  ANALYTICS_RETENTION_MONTHS: env.int(25, 1),
  // Demo history loaded by the seed: this many orders spread over the past ANALYTICS_DEMO_DAYS days.
  ANALYTICS_DEMO_ORDERS: env.int(1500, 0),
  ANALYTICS_DEMO_DAYS: env.int(120, 1),
});

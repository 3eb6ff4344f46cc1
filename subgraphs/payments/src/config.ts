import { env, loadConfigOrExit } from '@cloudlab/kit';

/** How slow the simulated provider is for `tok_slow` (longer than the saga's step timeout). */
export const config = loadConfigOrExit({
  PAYMENT_SLOW_DELAY_MS: env.int(15_000, 0),
});

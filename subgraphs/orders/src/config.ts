import { env, loadConfigOrExit } from '@cloudlab/kit';

/** The saga's clock: a step that has not finished in time cancels the order. */
export const config = loadConfigOrExit({
  SAGA_STEP_TIMEOUT_MS: env.int(10_000, 100),
  ORDER_MAX_LINES: env.int(50, 1),
  ORDER_MAX_QUANTITY: env.int(1000, 1),
});

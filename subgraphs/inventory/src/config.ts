import { env, loadConfigOrExit } from '@cloudlab/kit';

export const config = loadConfigOrExit({
  // Longest idempotency key a restock accepts.
  RESTOCK_KEY_MAX_LENGTH: env.int(200, 1),
});

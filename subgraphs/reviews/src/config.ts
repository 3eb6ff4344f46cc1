import { env, loadConfigOrExit } from '@cloudlab/kit';

/** Reviews' own settings: how long a review's body may be (in characters, after trimming). */
export const config = loadConfigOrExit({
  REVIEW_BODY_MIN_LENGTH: env.int(1, 1),
  REVIEW_BODY_MAX_LENGTH: env.int(5000, 1),
});

import { env, jwtEnv, loadConfigOrExit } from '@cloudlab/kit';

/** Accounts' own settings on top of the kit's: how access tokens are issued, the password policy, invitations. */
export const config = loadConfigOrExit({
  ...jwtEnv,
  // Shortest password signUp accepts; never below 10.
  PASSWORD_MIN_LENGTH: env.int(10, 10),
  // Longest password signUp accepts: scrypt's work grows with the input, so this bounds it.
  PASSWORD_MAX_LENGTH: env.int(200, 10),
  // How long a vendor invitation code can be redeemed.
  VENDOR_INVITATION_TTL_HOURS: env.int(72, 1),
});

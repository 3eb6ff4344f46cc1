import { jwtEnv, loadConfigOrExit } from '@cloudlab/kit';

/** Accounts' own settings on top of the kit's: how access tokens are issued. */
export const config = loadConfigOrExit(jwtEnv);

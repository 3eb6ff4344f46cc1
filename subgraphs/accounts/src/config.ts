import { jwtEnv, loadConfig } from '@cloudlab/kit';

/** Accounts' own settings on top of the kit's: how access tokens are issued. */
export const config = loadConfig(jwtEnv);

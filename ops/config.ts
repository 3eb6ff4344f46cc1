import path from 'node:path';
import { z } from 'zod';
import { env, loadConfig } from '@cloudlab/kit';
import { SUBGRAPHS } from '@cloudlab/kit/topology';
import { ROOT } from './stack';

/** `pnpm start`'s settings. Everything unset means embedded defaults. */
export function startConfig(source = process.env) {
  const c = loadConfig(
    {
      DATABASE_URL: env.optionalUrl(),
      DB_PREFIX: env.dbPrefix(),
      PORT: env.port(4000),
      SUBGRAPH_PORT_BASE: env.port(4001),
      DATA_DIR: z.string().default(path.join(ROOT, '.data')),
      EMBEDDED_PG_PORT: env.port(54329),
    },
    source,
  );
  return {
    ...c,
    subgraphPorts: Object.fromEntries(SUBGRAPHS.map(({ name }, i) => [name, c.SUBGRAPH_PORT_BASE + i])),
  };
}

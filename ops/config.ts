import path from 'node:path';
import { z } from 'zod';
import { ConfigError, env, loadConfig } from '@cloudlab/kit/config';
import { SUBGRAPHS } from '@cloudlab/kit/topology';
import { ROOT } from './stack';

/** `pnpm start`'s settings. Everything unset means embedded defaults. */
export function startConfig(source = process.env, argv = process.argv.slice(2)) {
  // `--replicas N` (or REPLICAS=N): N instances of the gateway and of each subgraph behind HAProxy.
  const flag = argv.indexOf('--replicas');
  const replicas = flag >= 0 ? argv[flag + 1] : argv.find((a) => a.startsWith('--replicas='))?.slice('--replicas='.length);
  // `--read-replica`: PostgreSQL primary + streaming replica of the project's own (ops/postgres-replica/).
  const readReplica = argv.includes('--read-replica');
  const c = loadConfig(
    {
      DATABASE_URL: env.optionalUrl(),
      DB_PREFIX: env.dbPrefix(),
      PORT: env.port(4000),
      SUBGRAPH_PORT_BASE: env.port(4001),
      DATA_DIR: z.string().default(path.join(ROOT, '.data')),
      EMBEDDED_PG_PORT: env.port(54329),
      // A service that dies is restarted after RESTART_INITIAL_MS, doubling up to RESTART_MAX_MS;
      // one that stayed up RESTART_RESET_MS starts from RESTART_INITIAL_MS again.
      RESTART_INITIAL_MS: env.int(500, 10),
      RESTART_MAX_MS: env.int(30_000, 10),
      RESTART_RESET_MS: env.int(60_000, 0),
      REPLICAS: z.coerce.number().int().min(1).max(8).default(1),
      // Above one replica, the instances listen from here on (HAProxy takes PORT and the subgraph ports).
      INSTANCE_PORT_BASE: env.port(4100),
      // How long one process may take to come up before the start fails (a loaded machine needs more).
      START_TIMEOUT_MS: env.int(120_000, 1000),
    },
    { ...source, ...(replicas !== undefined ? { REPLICAS: replicas } : {}) },
  );
  if (readReplica && c.DATABASE_URL) throw new ConfigError('--read-replica starts its own primary and replica: unset DATABASE_URL (or set DATABASE_READ_URL to a replica of it instead)');
  return {
    ...c,
    readReplica,
    controlSocket: path.join(c.DATA_DIR, 'control.sock'),
    restart: { initialMs: c.RESTART_INITIAL_MS, maxMs: c.RESTART_MAX_MS, resetAfterMs: c.RESTART_RESET_MS },
    subgraphPorts: Object.fromEntries(SUBGRAPHS.map(({ name }, i) => [name, c.SUBGRAPH_PORT_BASE + i])),
  };
}

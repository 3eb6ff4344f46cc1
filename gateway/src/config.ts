import path from 'node:path';
import { z } from 'zod';
import { env, jwtEnv, loadConfig } from '@cloudlab/kit';

/** The gateway's settings: env first, then command-line flags (`--supergraph`, `--port`) win. */
export function gatewayConfig(argv: string[] = process.argv.slice(2), source = process.env) {
  const flags = parseFlags(argv);
  const c = loadConfig(
    {
      PORT: env.port(4000),
      HOST: z.string().default('0.0.0.0'),
      NODE_ENV: env.nodeEnv(),
      LOG_LEVEL: env.logLevel(),
      SUPERGRAPH_PATH: z.string().default(path.join(__dirname, '..', '..', 'schema', 'supergraph.graphql')),
      // Shared with the subgraphs; when unset the gateway forwards no identity (anonymous only).
      INTERNAL_SECRET: env.secret().optional(),
      // Where the public keys that verify user tokens live; default: the `accounts` subgraph's JWKS.
      JWT_JWKS_URL: env.optionalUrl(),
      ...jwtEnv,
      SUBGRAPH_TIMEOUT_MS: env.int(5000, 1),
      READINESS_TIMEOUT_MS: env.int(1000, 1),
      BODY_LIMIT_BYTES: env.int(1 << 20, 1024),
    },
    { ...source, ...(flags.port ? { PORT: flags.port } : {}), ...(flags.supergraph ? { SUPERGRAPH_PATH: flags.supergraph } : {}) },
  );
  return { ...c, SUPERGRAPH_PATH: path.resolve(c.SUPERGRAPH_PATH), production: c.NODE_ENV === 'production' };
}
export type GatewayConfig = ReturnType<typeof gatewayConfig>;

function parseFlags(argv: string[]): { port?: string; supergraph?: string } {
  const out: { port?: string; supergraph?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split('=', 2);
    const value = inline ?? argv[i + 1];
    if (flag === '--port' || flag === '--supergraph') {
      if (value === undefined) throw new Error(`${flag} needs a value`);
      out[flag.slice(2) as 'port' | 'supergraph'] = value;
      if (inline === undefined) i++;
    } else if (flag === '--help' || flag === '-h') {
      console.log('usage: gateway [--supergraph FILE] [--port N]\nSubgraph URLs come from the file; override one with SUBGRAPH_<NAME>_URL.');
      process.exit(0);
    } else {
      throw new Error(`unknown argument ${argv[i]} (try --help)`);
    }
  }
  return out;
}

import { z } from 'zod';

/**
 * One typed, validated view of the environment per process. A wrong value stops the process
 * with a message that names the variable, before anything else starts.
 */
export function loadConfig<S extends z.ZodRawShape>(shape: S, env: NodeJS.ProcessEnv = process.env): z.infer<z.ZodObject<S>> {
  const parsed = z.object(shape).safeParse(env);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const name = issue.path.join('.');
    const value = env[name];
    return `  ${name}=${value === undefined ? '(unset)' : JSON.stringify(value)}: ${issue.message}`;
  });
  throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
}

export class ConfigError extends Error {}

/**
 * `loadConfig` for a process's own settings, at import or at start: a wrong value prints the
 * message that names the variable and exits with code 1. Thrown at import, the same error would
 * reach the user as an uncaught exception with a stack trace and tsx's loader frames.
 */
export function loadConfigOrExit<S extends z.ZodRawShape>(shape: S, env: NodeJS.ProcessEnv = process.env): z.infer<z.ZodObject<S>> {
  try {
    return loadConfig(shape, env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const service = env.OTEL_SERVICE_NAME ? `${env.OTEL_SERVICE_NAME}: ` : '';
    process.stderr.write(`${service}${err.message}\n`);
    process.exit(1);
  }
}

/** Reusable field parsers, so every process reads the same variable the same way. */
export const env = {
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  int: (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback),
  url: () => z.string().url(),
  /** A positive decimal amount with at most two decimals (money), at most `max`: `"1000000.00"`. */
  decimal: (fallback: string, max = 9_999_999_999.99) =>
    z
      .string()
      .regex(/^\d+(\.\d{1,2})?$/, 'a decimal amount with at most two decimals, e.g. 1000000.00')
      .refine((v) => Number(v) > 0 && Number(v) <= max, `must be above 0 and at most ${max}`)
      .default(fallback),
  optionalUrl: () =>
    z.preprocess((v) => (v === '' ? undefined : v), z.string().url().optional()),
  bool: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'])
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  nodeEnv: () => z.enum(['development', 'production', 'test']).default('development'),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  secret: () => z.string().min(32, 'must be at least 32 characters'),
  dbPrefix: () =>
    z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and _ only').default('cloudlab_'),
};

/** Prometheus on its own port, not the public one (metrics-server.ts): unset → PORT + 1000, `0` → off. */
export const metricsEnv = {
  METRICS_PORT: z.preprocess((v) => (v === '' ? undefined : v), env.port(0).optional()),
  METRICS_HOST: z.string().default('127.0.0.1'),
};

/** Variables every subgraph process reads. */
export const subgraphEnv = {
  PORT: env.port(0),
  HOST: z.string().default('127.0.0.1'),
  ...metricsEnv,
  NODE_ENV: env.nodeEnv(),
  LOG_LEVEL: env.logLevel(),
  DATABASE_URL: env.url(),
  DB_PREFIX: env.dbPrefix(),
  DB_POOL_MAX: env.int(5, 1),
  // How long a starting subgraph waits for its PostgreSQL server to accept connections.
  DB_CONNECT_TIMEOUT_MS: env.int(30_000, 0),
  // A streaming replica of DATABASE_URL's server for read-heavy paths (kit/src/db/read-replica.ts).
  DATABASE_READ_URL: env.optionalUrl(),
  REPLICA_MAX_LAG_MS: env.int(1000, 0),
  REPLICA_CHECK_INTERVAL_MS: env.int(500, 50),
  REPLICA_TIMEOUT_MS: env.int(2000, 100),
  INTERNAL_SECRET: env.secret(),
  SEED_ON_EMPTY: env.bool(true),
  // Serve at once and load the demo data behind (pnpm start sets it): see runSubgraph.
  SEED_IN_BACKGROUND: env.bool(false),
  // Comma-separated brokers; unset → the embedded event log in Postgres.
  KAFKA_BROKERS: z.string().default(''),
  // Prefix for topic and group names on a shared broker (tests use one per run).
  KAFKA_NAMESPACE: z.string().regex(/^[a-zA-Z0-9._-]*$/, 'letters, digits, . _ - only').default(''),
  // Partitions of the topics a subgraph creates on Kafka (the unit of parallelism across instances).
  EVENT_TOPIC_PARTITIONS: env.int(6, 1),
  // Copies of each new topic's partitions; 0 = min(3, brokers in the cluster).
  EVENT_TOPIC_REPLICATION: env.int(0, 0),
  // min.insync.replicas of a new topic; 0 = 2 with three or more copies, else 1.
  EVENT_TOPIC_MIN_INSYNC: env.int(0, 0),
  // Parallel lanes per consumer poll (different aggregates side by side, one aggregate in order).
  EVENT_CONSUMER_LANES: env.int(4, 1),
  // Most events a consumer applies in one transaction.
  EVENT_CONSUMER_MAX_BATCH: env.int(50, 1),
  // Most outbox rows the relay publishes in one round trip.
  OUTBOX_BATCH_SIZE: env.int(500, 1),
};

/** Token rules shared by accounts (which signs user tokens) and the gateway (which verifies them). */
export const jwtEnv = {
  JWT_ISSUER: z.string().min(1).default('cloudlab-accounts'),
  JWT_AUDIENCE: z.string().min(1).default('cloudlab'),
  JWT_TTL_SECONDS: env.int(3600, 60),
};

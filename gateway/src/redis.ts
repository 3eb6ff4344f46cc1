import { createClient } from 'redis';
import type { Logger } from '@cloudlab/kit';

export type RedisClient = ReturnType<typeof createClient>;

/**
 * The gateway's one Redis connection (rate limits and the response cache share it), with what
 * the features need to degrade instead of fail: commands fail fast while it is down (no offline
 * queue, a short command timeout), and an outage is logged once when it starts and once when it
 * ends, not once per request.
 */
export interface RedisConnection {
  client: RedisClient;
  /** Key prefix for this deployment (`REDIS_PREFIX`); tests use one per run. */
  prefix: string;
  /** `up`, or `down: <reason>` since the last failure. */
  status(): string;
  isUp(): boolean;
  /** A command failed: marks an outage (logged once) unless one is already known. */
  noteFailure(err: unknown): void;
  /** A command succeeded: ends an outage that was marked by a failed command (e.g. a timeout). */
  noteSuccess(): void;
  /**
   * Settles when the first connection is up, or after `waitMs` if it is not: the gateway waits
   * this long (`REDIS_START_WAIT_MS`) before it listens, so its first requests count in the shared limits
   * instead of per instance while the connection is still being made. Never rejects.
   */
  firstConnection(waitMs: number): Promise<void>;
  close(): Promise<void>;
}

export function connectRedis(opts: { url: string; prefix: string; log: Logger; commandTimeoutMs?: number }): RedisConnection {
  const log = opts.log.child({ component: 'redis' });
  const client = createClient({
    url: opts.url,
    disableOfflineQueue: true,
    commandOptions: { timeout: opts.commandTimeoutMs ?? 500 },
    socket: { connectTimeout: 1000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000) },
  });
  let down: string | undefined = 'connecting';
  let everUp = false;

  const noteFailure = (err: unknown) => {
    const reason = (err as Error)?.message || String(err);
    if (down !== undefined && down !== 'connecting') return;
    down = reason;
    log.warn({ url: redacted(opts.url), reason }, 'Redis unreachable: rate limits fall back to per-instance memory and the response cache is bypassed until it is back');
  };
  const noteSuccess = () => {
    if (down === undefined || !client.isReady) return;
    if (everUp) log.info({ url: redacted(opts.url) }, 'Redis reachable again');
    else log.info({ url: redacted(opts.url), prefix: opts.prefix }, 'Redis connected: rate limits and response cache are shared by all gateway instances');
    everUp = true;
    down = undefined;
  };
  client.on('error', noteFailure); // without a listener an error event would crash the process
  client.on('ready', noteSuccess);
  const connected = new Promise<void>((resolve) => client.once('ready', () => resolve()));
  // Never awaited: the gateway starts and serves while Redis is still (or not yet) reachable.
  client.connect().catch(noteFailure);

  return {
    client,
    prefix: opts.prefix,
    status: () => (down === undefined ? 'up' : `down: ${down}`),
    isUp: () => down === undefined && client.isReady,
    noteFailure,
    noteSuccess,
    firstConnection: async (waitMs: number) => {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([connected, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]);
      clearTimeout(timer);
    },
    close: async () => {
      if (client.isOpen) client.destroy();
    },
  };
}

/** The URL without its password, for logs. */
function redacted(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'redis://(unparsable)';
  }
}

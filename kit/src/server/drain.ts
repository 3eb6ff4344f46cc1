import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { z } from 'zod';
import { env } from '../config';

/**
 * Graceful drain settings every HTTP process reads (gateway and subgraphs alike):
 * SHUTDOWN_DELAY_MS: after SIGTERM, keep serving this long with /readyz at 503, so a load balancer
 *   that only learns from health checks stops sending new requests first (0 when the balancer is
 *   told directly, as `pnpm rollout` does through HAProxy's runtime API).
 * DRAIN_TIMEOUT_MS: then requests already in flight get this long to finish; what is still open
 *   after it is closed. Keep it below the supervisor's grace (10 s) before SIGKILL.
 */
export const drainEnv = {
  SHUTDOWN_DELAY_MS: env.int(0, 0),
  DRAIN_TIMEOUT_MS: z.coerce.number().int().min(0).max(60_000).default(8_000),
};

/** WebSocket close code clients reconnect on (RFC 6455 1012 "Service Restart"; graphql-ws retries it). */
export const SERVICE_RESTART_CLOSE = 1012;

export interface RequestTracker {
  /** True from `begin()` on: /readyz answers 503, every response carries `Connection: close`. */
  readonly draining: boolean;
  readonly inFlight: number;
  begin(): void;
  /** Resolves true once no request is in flight, or false after `timeoutMs`. */
  idle(timeoutMs: number): Promise<boolean>;
}

/**
 * Counts the requests `server` is answering. While draining, every response (including those
 * already in flight whose headers are not sent) says `Connection: close`, so keep-alive clients
 * and balancers open their next request elsewhere instead of racing the socket's close.
 */
export function trackRequests(server: Server): RequestTracker {
  const open = new Set<ServerResponse>();
  let draining = false;
  let wake: (() => void) | undefined;
  const onRequest = (_req: IncomingMessage, res: ServerResponse) => {
    open.add(res);
    if (draining) res.setHeader('connection', 'close');
    res.once('close', () => {
      open.delete(res);
      if (open.size === 0) wake?.();
    });
  };
  // Before any other listener: the header must be set before a handler can send its answer.
  server.prependListener('request', onRequest);
  return {
    get draining() {
      return draining;
    },
    get inFlight() {
      return open.size;
    },
    begin() {
      draining = true;
      for (const res of open) if (!res.headersSent) res.setHeader('connection', 'close');
    },
    idle(timeoutMs) {
      if (open.size === 0) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          wake = undefined;
          resolve(false);
        }, timeoutMs);
        wake = () => {
          clearTimeout(timer);
          wake = undefined;
          resolve(true);
        };
      });
    },
  };
}

/**
 * Stops `server` gracefully: no new connections, idle keep-alive connections closed, requests in
 * flight answered (up to `timeoutMs`, then every connection is closed). Resolves whether all
 * in-flight requests finished.
 */
export async function closeGracefully(server: Server, tracker: RequestTracker, timeoutMs: number): Promise<boolean> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const finished = await tracker.idle(timeoutMs);
  // A connection whose answer has just been written closes on its own (`Connection: close`); any
  // left (a request past the bound, a socket idle again) is closed now.
  server.closeAllConnections();
  await closed;
  return finished;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

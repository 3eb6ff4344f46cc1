import type { IncomingMessage } from 'node:http';
import { boundedMap } from '@cloudlab/kit';
import { subscriptionMetrics } from './metrics';

export interface ConnectionLimitOptions {
  /** graphql-ws connections one client IP may hold open at once on this gateway. */
  maxPerIp: number;
  /** WebSocket upgrades one client IP may start per minute on this gateway. */
  connectsPerMin: number;
}

/** What an upgrade is refused with: HTTP 429 before any WebSocket exists. */
export interface Refusal {
  status: 429;
  message: string;
  retryAfterSeconds: number;
}

const WINDOW_MS = 60_000;

/**
 * Bounds what one IP can hold and churn: open connections (each one holds a socket, graphql-ws
 * state and its subscriptions) and connection attempts per minute (each one costs a TLS/HTTP
 * upgrade and a `connection_init` with token verification). Checked at the upgrade, so a refused
 * client never gets a WebSocket; per gateway process, in memory (open sockets are per process
 * anyway), with the attempt counters in a bounded LRU.
 */
export function connectionLimits(o: ConnectionLimitOptions, clientIp: (req: IncomingMessage) => string) {
  const open = new Map<string, number>();
  const attempts = boundedMap<string, { since: number; n: number }>(100_000);
  return {
    /** Counts the attempt; the refusal when this IP is over a limit. */
    admit(req: IncomingMessage, now = Date.now()): Refusal | undefined {
      const ip = clientIp(req);
      let window = attempts.get(ip);
      if (!window || now - window.since >= WINDOW_MS) attempts.set(ip, (window = { since: now, n: 0 }));
      window.n++;
      if (window.n > o.connectsPerMin) {
        subscriptionMetrics.rejected.inc({ reason: 'per_ip_connects' });
        const retryAfterSeconds = Math.max(1, Math.ceil((window.since + WINDOW_MS - now) / 1000));
        return { status: 429, message: `At most ${o.connectsPerMin} WebSocket connections per minute per client`, retryAfterSeconds };
      }
      if ((open.get(ip) ?? 0) >= o.maxPerIp) {
        subscriptionMetrics.rejected.inc({ reason: 'per_ip_connections' });
        return { status: 429, message: `At most ${o.maxPerIp} open WebSocket connections per client`, retryAfterSeconds: 1 };
      }
      return undefined;
    },
    /** An admitted connection opened; returns the function to call when it closes (idempotent). */
    opened(req: IncomingMessage): () => void {
      const ip = clientIp(req);
      open.set(ip, (open.get(ip) ?? 0) + 1);
      let closed = false;
      return () => {
        if (closed) return;
        closed = true;
        const left = (open.get(ip) ?? 1) - 1;
        if (left > 0) open.set(ip, left);
        else open.delete(ip);
      };
    },
  };
}

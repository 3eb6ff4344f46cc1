import type { IncomingMessage, ServerResponse } from 'node:http';

/** `*` (any origin), `localhost` (any http(s) origin on this machine: the development default), or exact origins. */
export type CorsOrigins = '*' | 'localhost' | string[];

const LOCALHOST = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

/** Response headers a browser script may read: rate limits and cache state. */
const EXPOSED = 'ratelimit-limit, ratelimit-remaining, ratelimit-reset, ratelimit-policy, retry-after, age, x-cache';

export function originAllowed(origin: string, allowed: CorsOrigins): boolean {
  if (allowed === '*') return true;
  if (allowed === 'localhost') return LOCALHOST.test(origin);
  return allowed.includes(origin);
}

/**
 * CORS for browser clients on other origins. An allowed origin gets its own origin echoed back
 * (with `Vary: Origin`, so caches keep answers per origin); others get no CORS headers and the
 * browser keeps the response from the script. A preflight (OPTIONS) is answered here and ends
 * the request; returns true when it did. No credentials mode: the API uses bearer tokens, not cookies.
 */
export function corsHandler(allowed: CorsOrigins) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const origin = req.headers.origin;
    const ok = origin !== undefined && originAllowed(origin, allowed);
    if (origin !== undefined) res.setHeader('vary', 'Origin');
    if (ok) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-expose-headers', EXPOSED);
    }
    if (req.method !== 'OPTIONS') return false;
    if (origin === undefined) {
      res.writeHead(204, { allow: 'GET, POST, OPTIONS', 'content-length': '0' }).end();
      return true;
    }
    if (!ok) {
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end('CORS: origin not allowed');
      return true;
    }
    res.writeHead(204, {
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      // Whatever the client asks to send (content-type, authorization, apollo-require-preflight, x-api-key…).
      'access-control-allow-headers': req.headers['access-control-request-headers'] ?? 'content-type, authorization',
      'access-control-max-age': '600',
      'content-length': '0',
    });
    res.end();
    return true;
  };
}

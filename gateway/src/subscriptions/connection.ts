import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { CloseCode } from 'graphql-ws';
import type WebSocket from 'ws';
import { decodeJwt } from 'jose';
import { GraphQLError } from 'graphql';
import type { Logger, Viewer } from '@cloudlab/kit';
import type { GatewayContext } from '../context';
import { API_KEY_HEADER } from '../plugins/api-keys';
import { subscriptionMetrics } from './metrics';

/** What the gateway keeps per graphql-ws connection. */
export interface ConnectionState {
  viewer: Viewer | null;
  context: GatewayContext;
  /** Subscriptions open on this connection (for the per-connection limit). */
  active: number;
  /** Slot releases by operation id, so a completed subscription always gives its slot back. */
  slots: Map<string, () => void>;
  expiry?: NodeJS.Timeout;
  counted?: boolean;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Authenticates a connection from `connectionParams.authorization` ("Bearer <jwt>") with the
 * gateway's own context builder, so the rules are the HTTP ones (same JWT verifier; an API key
 * may come as `connectionParams['x-api-key']` or the upgrade request's header). No token →
 * anonymous. A bad or expired token closes the socket with 4403 Forbidden and the reason
 * (graphql-ws' code for a refused connection_init), and a connection whose token expires while
 * open is closed the same way at that moment: an expired session does not live on in a socket.
 */
export async function authenticate(
  params: Readonly<Record<string, unknown>> | undefined,
  request: IncomingMessage,
  socket: WebSocket,
  deps: { context: (headers: IncomingHttpHeaders, request: IncomingMessage) => Promise<GatewayContext>; log: Logger },
): Promise<ConnectionState | false> {
  const authorization = params?.authorization ?? params?.Authorization;
  const apiKey = params?.[API_KEY_HEADER];
  const refuse = (reason: string) => {
    subscriptionMetrics.rejected.inc({ reason: 'unauthenticated' });
    socket.close(CloseCode.Forbidden, `Forbidden: ${reason}`.slice(0, 120));
    return false as const;
  };
  if (authorization !== undefined && typeof authorization !== 'string') return refuse('authorization must be a string');
  if (apiKey !== undefined && typeof apiKey !== 'string') return refuse(`${API_KEY_HEADER} must be a string`);
  const headers: IncomingHttpHeaders = { ...request.headers, authorization: authorization || undefined };
  if (apiKey) headers[API_KEY_HEADER] = apiKey;
  let context: GatewayContext;
  try {
    context = await deps.context(headers, request);
  } catch (err) {
    if (err instanceof GraphQLError && err.extensions.code !== 'INTERNAL_SERVER_ERROR') return refuse(err.message);
    deps.log.error({ err }, 'could not authenticate a graphql-ws connection');
    socket.close(CloseCode.InternalServerError, 'Internal server error');
    return false;
  }
  const { viewer } = context;
  const state: ConnectionState = { viewer, context, active: 0, slots: new Map() };
  const exp = viewer && authorization ? decodeJwt(authorization.split(' ')[1]!).exp : undefined;
  if (exp) {
    state.expiry = setTimeout(() => socket.close(CloseCode.Forbidden, 'Forbidden: Token expired'), Math.min(MAX_TIMER_MS, exp * 1000 - Date.now()));
    state.expiry.unref();
  }
  return state;
}

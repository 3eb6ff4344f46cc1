import type { FastifyInstance } from 'fastify';
import { createSourceEventStream, execute, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { EventBus } from '../events';
import { IDENTITY_HEADER } from '../identity';
import type { Logger } from '../logger';
import { mapStream } from '../push-iterator';
import type { SubgraphContext } from './context';
import { formatGraphQLError, maskError } from '../error-masking';
import { startLiveEvents } from './live-events';
import { routeGraphqlUpgrades } from './ws-upgrade';
import { SERVICE_RESTART_CLOSE } from './drain';

export interface SubscriptionEndpointOptions {
  schema: GraphQLSchema;
  bus: EventBus;
  /** Bus topics the subgraph's Subscription resolvers listen to (`SubgraphDefinition.subscriptions`). */
  topics: string[];
  /** Whether `connectionParams` carry the gateway's credential (anyone else is refused). */
  trusted: (params: Record<string, string | undefined>) => Promise<boolean>;
  /** The same builder HTTP requests use, given the headers the identity travels in. */
  context: (headers: Record<string, string | undefined>) => Promise<SubgraphContext<unknown>>;
  /** Fresh per-request DataLoaders: every event is resolved like a new request, never from stale caches. */
  loaders: () => unknown;
  production: boolean;
  log: Logger;
  keepAliveMs?: number;
}

type ConnectionExtra = {
  /** The caller as vouched for when the connection opened (identity tokens live 60 s; connections longer). */
  base?: SubgraphContext<unknown>;
};

/**
 * graphql-ws on the subgraph's own /graphql (same port, same path as HTTP). The gateway opens it
 * and passes its signed identity in `connectionParams['x-cloudlab-identity']`; the identity is
 * verified once when the connection opens, by the same rules as the HTTP header (no or an invalid
 * token = anonymous), and every operation on the connection runs as that caller. A connection
 * whose params carry neither a valid identity nor the gateway's credential (gateway-auth.ts) is refused.
 */
export async function serveSubscriptions(app: FastifyInstance, opts: SubscriptionEndpointOptions): Promise<{ close: () => Promise<void> }> {
  const events = await startLiveEvents({ bus: opts.bus, topics: opts.topics, log: opts.log });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
  const server = useServer<Record<string, unknown>, ConnectionExtra>(
    {
      schema: opts.schema,
      onConnect: async (ctx) => {
        const params = Object.fromEntries(Object.entries(ctx.connectionParams ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : undefined]));
        // Not the gateway: closed with 4403 Forbidden before any operation.
        if (!(await opts.trusted(params))) return false;
        const identity = ctx.connectionParams?.[IDENTITY_HEADER];
        ctx.extra.base = await opts.context({ [IDENTITY_HEADER]: typeof identity === 'string' ? identity : undefined });
        return true;
      },
      context: (ctx) => ({ ...ctx.extra.base!, loaders: opts.loaders(), live: events.live }),
      subscribe: (args) => subscribeFreshPerEvent(args, opts.loaders),
      onNext: (_ctx, _id, _payload, _args, result) => {
        if (!result.errors?.length) return;
        const mask = { production: opts.production, log: opts.log };
        return { ...result, errors: result.errors.map((e) => ('toJSON' in e ? formatGraphQLError(e, mask) : maskError(e, e, mask))) };
      },
      isProd: opts.production,
    },
    wss,
    opts.keepAliveMs ?? 12_000,
  );

  const detach = routeGraphqlUpgrades(app.server, wss);

  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      detach();
      // 1012 Service Restart: the gateway's graphql-ws client reconnects (through the balancer, to another instance).
      for (const socket of wss.clients) socket.close(SERVICE_RESTART_CLOSE, 'Service Restart');
      await server.dispose();
      await events.close();
    })());
  // Open sockets would otherwise keep app.close() waiting for them.
  app.addHook('preClose', async () => close());
  return { close };
}

/**
 * graphql-js `subscribe`, except that each event is executed with a fresh context (new
 * DataLoaders): a subscription lives for hours, and a loader cache that old would answer from
 * the first event's data.
 */
async function subscribeFreshPerEvent(args: ExecutionArgs, loaders: () => unknown) {
  const stream = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in stream)) return stream; // errors from the subscribe resolver (e.g. FORBIDDEN)
  const base = args.contextValue as Record<string, unknown>;
  return mapStream(stream[Symbol.asyncIterator](), (payload) =>
    execute({ ...args, rootValue: payload, contextValue: { ...base, loaders: loaders() } }),
  );
}

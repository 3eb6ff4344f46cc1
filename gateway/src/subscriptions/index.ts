import type { IncomingHttpHeaders, IncomingMessage, Server } from 'node:http';
import type { GraphQLDataSource } from '@apollo/gateway';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import { GraphQLError, getVariableValues, parse, type ExecutionArgs, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { ErrorCode, formatGraphQLError, maskError, QueueOverflowError, routeGraphqlUpgrades, type Logger } from '@cloudlab/kit';
import type { GatewayContext } from '../context';
import { authenticate, type ConnectionState } from './connection';
import { coalescingServices } from './execute-event';
import { ACCEPT_SUBSCRIPTION, type AcceptedSubscription } from './handoff';
import { SubscriptionHub } from './hub';
import { connectionLimits, type ConnectionLimitOptions } from './ip-limits';
import { SubscriptionLimits, type SubscriptionLimitOptions } from './limits';
import { subscriptionMetrics } from './metrics';
import type { SubscriptionPlanner } from './planner';
import { UpstreamPool } from './upstream';
import { SERVICE_RESTART_CLOSE } from '@cloudlab/kit/server/drain';

export { SubscriptionPlanner } from './planner';
export { subscriptionHandoff } from './handoff';

export interface SubscriptionServerOptions {
  server: Server;
  planner: SubscriptionPlanner;
  /** The gateway's data sources and subgraph URLs, as `buildService` created them. */
  services: Map<string, GraphQLDataSource>;
  urls: Map<string, string>;
  /** Every operation on the socket goes through its request pipeline (plugins and all), as on HTTP. */
  apollo: ApolloServer<GatewayContext>;
  /** The HTTP context builder (JWT verifier, API keys); the socket's operations run in what it returns. */
  context: (headers: IncomingHttpHeaders, request: IncomingMessage) => Promise<GatewayContext>;
  /** The caller's IP, as the rate limits see it (TRUST_PROXY). */
  clientIp: (request: IncomingMessage) => string;
  secret: string | undefined;
  limits: SubscriptionLimitOptions;
  connections: ConnectionLimitOptions;
  keepAliveMs: number;
  connectionInitTimeoutMs: number;
  maxQueue: number;
  dedupe: boolean;
  maxPayloadBytes: number;
  production: boolean;
  log: Logger;
}

type Extra = { state?: ConnectionState };
const RELEASE = Symbol('release subscription slot');
const RESULT = Symbol('result of a query or mutation');
/** graphql-ws needs a document to tell `execute` from `subscribe`; a query's real one has already run. */
const RAN = parse('{ __typename }');

/**
 * graphql-ws on the gateway's /graphql, on the same node:http server as HTTP. Every operation on
 * the socket goes through Apollo Server's request pipeline like an HTTP request (README.md here):
 * queries and mutations are executed there; subscriptions pass every plugin and are handed to the
 * subscription hub (handoff.ts), which plans them with the gateway's planner and streams them.
 */
export function serveSubscriptions(opts: SubscriptionServerOptions): { close: () => Promise<void> } {
  const { log } = opts;
  const upstream = new UpstreamPool({ secret: opts.secret, log });
  const hub = new SubscriptionHub({
    planner: opts.planner,
    upstream,
    services: coalescingServices(opts.services),
    urls: () => opts.urls,
    log,
    dedupe: opts.dedupe,
    maxQueue: opts.maxQueue,
  });
  const limits = new SubscriptionLimits(opts.limits);
  const perIp = connectionLimits(opts.connections, opts.clientIp);
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: opts.maxPayloadBytes,
    // Before any WebSocket exists: a client over its per-IP limits gets HTTP 429 with Retry-After.
    verifyClient: ({ req }, done) => {
      const refusal = perIp.admit(req);
      if (refusal) done(false, refusal.status, refusal.message, { 'retry-after': String(refusal.retryAfterSeconds) });
      else done(true);
    },
  });
  wss.on('connection', (socket, req) => socket.once('close', perIp.opened(req)));

  const disposable = useServer<Record<string, unknown>, Extra>(
    {
      connectionInitWaitTimeout: opts.connectionInitTimeoutMs,
      onConnect: async (ctx) => {
        const state = await authenticate(ctx.connectionParams, ctx.extra.request, ctx.extra.socket, { context: opts.context, log });
        if (!state) return false;
        ctx.extra.state = state;
        state.counted = true;
        subscriptionMetrics.connections.inc();
        return true;
      },
      onClose: (ctx) => {
        const state = ctx.extra.state;
        if (!state) return;
        clearTimeout(state.expiry);
        for (const release of state.slots.values()) release();
        if (state.counted) subscriptionMetrics.connections.dec();
        state.counted = false;
      },
      onSubscribe: async (ctx, id, payload) => {
        const state = ctx.extra.state!;
        const schema = opts.planner.schema;
        if (!schema) return [new GraphQLError('The supergraph is not loaded yet', { extensions: { code: ErrorCode.SERVICE_UNAVAILABLE } })];
        // The HTTP pipeline: persisted queries (a manifest id in extensions.persistedQuery), the
        // document cache, parse and validation, operation limits, rate limits, then execution —
        // or, for a subscription, the hand-off below.
        let accepted: AcceptedSubscription | undefined;
        const contextValue = { ...state.context, [ACCEPT_SUBSCRIPTION]: (a: AcceptedSubscription) => void (accepted = a) };
        // A top-level `documentId` reaches the persisted-query plugin where an HTTP body's would.
        const documentId = (payload as { documentId?: unknown }).documentId;
        const response = await opts.apollo.executeOperation(
          {
            query: payload.query || undefined,
            operationName: payload.operationName ?? undefined,
            variables: payload.variables ?? undefined,
            extensions: payload.extensions ?? undefined,
            ...(typeof documentId === 'string' ? { http: { method: 'POST', headers: new HeaderMap(), search: '', body: { documentId } } } : {}),
          },
          { contextValue },
        );
        if (response.body.kind !== 'single') return [new GraphQLError('@defer and @stream are not served over graphql-ws', { extensions: { code: ErrorCode.BAD_USER_INPUT } })];
        const result = response.body.singleResult;
        if (!accepted) {
          // Refused before execution (no `data`): a graphql-ws `error` message, as HTTP answers 4xx.
          if (result.errors?.length && !('data' in result)) return result.errors.map(asGraphQLError);
          return { schema, document: RAN, contextValue: { [RESULT]: result } } satisfies ExecutionArgs;
        }
        const { document, operationName, variables } = accepted as AcceptedSubscription;
        const operation = document.definitions.find((d) => d.kind === 'OperationDefinition' && (!operationName || d.name?.value === operationName));
        const vars = getVariableValues(schema, operation?.kind === 'OperationDefinition' ? (operation.variableDefinitions ?? []) : [], variables);
        if (vars.errors) return vars.errors.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: ErrorCode.BAD_USER_INPUT } }));
        const slot = limits.acquire(state, state.viewer?.userId);
        if (slot instanceof GraphQLError) return [slot];
        const release = () => {
          slot();
          state.slots.delete(id);
        };
        state.slots.set(id, release);
        return { schema, document, operationName, variableValues: vars.coerced, contextValue: { ...state.context, [RELEASE]: release } } satisfies ExecutionArgs;
      },
      subscribe: (args) => hub.subscribe(args, (args.contextValue as { [RELEASE]: () => void })[RELEASE]),
      execute: (args) => (args.contextValue as { [RESULT]: ExecutionResult })[RESULT],
      onComplete: (ctx, id) => ctx.extra.state?.slots.get(id)?.(),
      // Only results with errors need formatting; the hot path (one message per subscriber per event) allocates nothing here.
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((e) => formatError(e, opts.production, log)) } : undefined,
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => formatError(e, opts.production, log)),
      isProd: opts.production,
    },
    wss,
    opts.keepAliveMs,
  );

  const detach = routeGraphqlUpgrades(opts.server, wss);

  return {
    close: async () => {
      detach();
      // 1012 Service Restart: graphql-ws clients reconnect (through a balancer, to another instance) and resubscribe.
      for (const socket of wss.clients) socket.close(SERVICE_RESTART_CLOSE, 'Service Restart');
      await disposable.dispose();
      await upstream.close();
    },
  };
}

/** graphql-ws sends only GraphQLError instances as an `error` message; Apollo has already formatted these. */
const asGraphQLError = (e: GraphQLFormattedError) => new GraphQLError(e.message, { path: e.path, extensions: e.extensions });

/**
 * Errors as clients see them: the kit's one masking function, as on HTTP (internal ones logged in
 * full with the trace id, masked in production).
 */
function formatError(error: GraphQLError | GraphQLFormattedError, production: boolean, log?: Logger): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? error.originalError : undefined;
  if (original instanceof QueueOverflowError) return { message: original.message, extensions: { code: ErrorCode.SUBSCRIPTION_OVERFLOW } };
  return error instanceof GraphQLError ? formatGraphQLError(error, { production, log }) : maskError(error, error, { production, log });
}

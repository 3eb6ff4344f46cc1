import type { IncomingHttpHeaders, IncomingMessage, Server } from 'node:http';
import type { GraphQLDataSource } from '@apollo/gateway';
import type { ApolloServer } from '@apollo/server';
import {
  GraphQLError,
  getOperationAST,
  getVariableValues,
  parse,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { ErrorCode, formatGraphQLError, maskError, QueueOverflowError, routeGraphqlUpgrades, type Logger } from '@cloudlab/kit';
import type { GatewayContext } from '../context';
import { authenticate, type ConnectionState } from './connection';
import { coalescingServices } from './execute-event';
import { SubscriptionHub } from './hub';
import { SubscriptionLimits, type SubscriptionLimitOptions } from './limits';
import { subscriptionMetrics } from './metrics';
import { SubscriptionPlanner } from './planner';
import { UpstreamPool } from './upstream';

export { SubscriptionPlanner } from './planner';

export interface SubscriptionServerOptions {
  server: Server;
  planner: SubscriptionPlanner;
  /** The gateway's data sources and subgraph URLs, as `buildService` created them. */
  services: Map<string, GraphQLDataSource>;
  urls: Map<string, string>;
  apollo: ApolloServer<GatewayContext>;
  /** The HTTP context builder (JWT verifier, API keys); the socket's operations run in what it returns. */
  context: (headers: IncomingHttpHeaders, request: IncomingMessage) => Promise<GatewayContext>;
  secret: string | undefined;
  limits: SubscriptionLimitOptions;
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

/**
 * graphql-ws on the gateway's /graphql, on the same node:http server as HTTP: subscriptions
 * are planned by the supergraph's query planner and served through the subgraph that owns the
 * root field (see README.md here); queries and mutations sent over the socket go through Apollo
 * Server like HTTP ones.
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
  const documents = new DocumentCache();
  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxPayloadBytes });

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
      onSubscribe: (ctx, id, payload) => {
        const state = ctx.extra.state!;
        const schema = opts.planner.schema;
        if (!schema) return [new GraphQLError('The supergraph is not loaded yet', { extensions: { code: 'SERVICE_UNAVAILABLE' } })];
        const checked = documents.check(schema, payload.query);
        if (Array.isArray(checked)) return checked;
        const document = checked;
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) return [new GraphQLError('Unable to identify the operation to run', { extensions: { code: 'BAD_USER_INPUT' } })];
        const vars = getVariableValues(schema, operation.variableDefinitions ?? [], payload.variables ?? {});
        if (vars.errors) return vars.errors.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: 'BAD_USER_INPUT' } }));
        let release = () => undefined as void;
        if (operation.operation === 'subscription') {
          const slot = limits.acquire(state, state.viewer?.userId);
          if (slot instanceof GraphQLError) return [slot];
          release = () => {
            slot();
            state.slots.delete(id);
          };
          state.slots.set(id, release);
        }
        return {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: vars.coerced,
          contextValue: { ...state.context, [RELEASE]: release },
        } satisfies ExecutionArgs;
      },
      subscribe: (args) => hub.subscribe(args, (args.contextValue as { [RELEASE]: () => void })[RELEASE]),
      execute: (args) => executeWithApollo(opts.apollo, args),
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
      await disposable.dispose();
      await upstream.close();
    },
  };
}

/**
 * Parsed and validated documents by their text: a thousand clients of the same app send the same
 * document, which is then parsed, validated and held in memory once (a subscription keeps its
 * document for its whole life). Revalidated when the schema changes.
 */
class DocumentCache {
  private readonly entries = new Map<string, { schema: GraphQLSchema; result: DocumentNode | GraphQLError[] }>();

  constructor(private readonly max = 1000) {}

  check(schema: GraphQLSchema, query: string): DocumentNode | GraphQLError[] {
    const hit = this.entries.get(query);
    if (hit?.schema === schema) return hit.result;
    let result: DocumentNode | GraphQLError[];
    try {
      const document = parse(query);
      const invalid = validate(schema, document);
      result = invalid.length ? invalid.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })) : document;
    } catch (err) {
      result = [new GraphQLError((err as Error).message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })];
    }
    this.entries.delete(query);
    this.entries.set(query, { schema, result });
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return result;
  }
}

/** Queries and mutations over the socket run through Apollo Server, plugins and all. */
async function executeWithApollo(apollo: ApolloServer<GatewayContext>, args: ExecutionArgs): Promise<ExecutionResult> {
  const { [RELEASE]: release, ...contextValue } = args.contextValue as GatewayContext & { [RELEASE]: () => void };
  release();
  const response = await apollo.executeOperation(
    { query: args.document, operationName: args.operationName ?? undefined, variables: (args.variableValues ?? {}) as Record<string, unknown> },
    { contextValue },
  );
  if (response.body.kind === 'single') return response.body.singleResult as ExecutionResult;
  return { errors: [new GraphQLError('@defer and @stream are not served over graphql-ws', { extensions: { code: 'BAD_USER_INPUT' } })] };
}

/**
 * Errors as clients see them: the kit's one masking function, as on HTTP (internal ones logged in
 * full with the trace id, masked in production).
 */
function formatError(error: GraphQLError | GraphQLFormattedError, production: boolean, log?: Logger): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? error.originalError : undefined;
  if (original instanceof QueueOverflowError) return { message: original.message, extensions: { code: ErrorCode.SUBSCRIPTION_OVERFLOW } };
  return error instanceof GraphQLError ? formatGraphQLError(error, { production, log }) : maskError(error, error, { production, log });
}

import { executeQueryPlan, type GraphQLDataSource, type ServiceMap } from '@apollo/gateway';
import { GraphQLError, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import type { Logger } from '@cloudlab/kit';
import type { GatewayContext } from '../context';
import { subscriptionMetrics } from './metrics';
import type { SubscriptionPlan } from './planner';

type RequestContext = Parameters<typeof executeQueryPlan>[2];
type ProcessOptions = Parameters<GraphQLDataSource['process']>[0];
type Response = Awaited<ReturnType<GraphQLDataSource['process']>>;

/** What a subgraph sends for one event: the primary fetch's answer. */
export interface EventPayload {
  data?: Record<string, unknown> | null;
  errors?: readonly GraphQLFormattedError[];
}

/**
 * Resolves one event through the supergraph: @apollo/gateway's own executeQueryPlan runs
 * `primary` then `rest`, where `primary` is answered from the event instead of a request, so
 * the `_entities` fetches for fields of other subgraphs (`product { name }` from catalog) and
 * the response shaping are exactly what a query would get.
 */
export async function executeEvent(
  plan: SubscriptionPlan,
  payload: EventPayload,
  request: { variables: Record<string, unknown>; context: GatewayContext; log: Logger },
  services: ServiceMap,
): Promise<ExecutionResult> {
  const { primary } = plan;
  if (!payload.data) {
    // The subgraph refused or failed the subscription itself (e.g. FORBIDDEN): nothing to resolve.
    return { data: null, errors: (payload.errors ?? [{ message: 'Subgraph sent an event without data' }]).map((e) => fromSubgraph(e, primary.serviceName)) };
  }
  const owner = services[primary.serviceName];
  const eventSource: GraphQLDataSource = {
    process: (options) =>
      options.request.query === primary.operation ? Promise.resolve(structuredClone(payload) as Response) : owner!.process(options),
  };
  const requestContext = {
    request: { query: primary.operation, variables: request.variables },
    context: request.context,
    logger: request.log,
    metrics: {},
    operation: plan.operationContext.operation,
    operationName: plan.operationContext.operation.name?.value ?? null,
  } as unknown as RequestContext;
  return executeQueryPlan(
    plan.perEvent,
    { ...services, [primary.serviceName]: eventSource },
    requestContext,
    plan.operationContext,
    plan.supergraphSchema,
    plan.apiSchema,
  );
}

function fromSubgraph(error: GraphQLFormattedError, serviceName: string): GraphQLError {
  return new GraphQLError(error.message, { path: error.path, extensions: { ...error.extensions, serviceName } });
}

/**
 * Wraps each subgraph's data source so that identical fetches in flight at the same time share
 * one request: when an event reaches many subscriptions at once (different variables, same
 * entities), their `_entities` fetches collapse into one per (subgraph, operation, variables,
 * caller). Each caller gets its own copy of the answer, because the executor merges into it.
 */
export function coalescingServices(services: Map<string, GraphQLDataSource>): () => ServiceMap {
  const wrappers = new Map<string, GraphQLDataSource>();
  // Rebuilt per event (cheap) so that subgraphs added by a supergraph reload are included; each
  // wrapper looks its data source up per fetch, so a replaced one is used at once.
  return () => {
    const map: ServiceMap = {};
    for (const name of services.keys()) {
      let wrapper = wrappers.get(name);
      if (!wrapper) wrappers.set(name, (wrapper = coalescing(name, () => services.get(name)!)));
      map[name] = wrapper;
    }
    return map;
  };
}

function coalescing(name: string, service: () => GraphQLDataSource): GraphQLDataSource {
  const inFlight = new Map<string, Promise<Response>>();
  return {
    async process(options: ProcessOptions) {
      const context = options.context as GatewayContext | undefined;
      const key = JSON.stringify([options.request.query, options.request.variables ?? null, viewerKey(context)]);
      let pending = inFlight.get(key);
      subscriptionMetrics.entityFetches.inc({ subgraph: name, coalesced: pending ? 'true' : 'false' });
      if (!pending) {
        pending = service().process(options).finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      const response = await pending;
      return { ...response, data: response.data ? structuredClone(response.data) : response.data };
    },
  };
}

/** Who a fetch runs as: fetches are shared only between subscriptions of the same caller. */
export function viewerKey(context: Pick<GatewayContext, 'viewer'> | undefined): string {
  const v = context?.viewer;
  return v ? `${v.role}:${v.userId}:${v.vendorId ?? ''}` : 'anonymous';
}

/**
 * Everything the lean executor borrows from @apollo/gateway 2.14.4, in one place: the gateway's
 * private state it reads (planner output, plan cache, data sources, schemas) and the stock helpers
 * it reuses so that merging, rewrites, error paths and the rare slow-path shaping are Apollo's own
 * code. `readInternals` checks the shape at startup; anything missing (another gateway version)
 * makes the lean executor stand aside and the stock executor serve every request.
 */
import type { ApolloGateway, GraphQLDataSource } from '@apollo/gateway';
import type { Schema } from '@apollo/federation-internals';
import type { QueryPlan, QueryPlanner } from '@apollo/query-planner';
import type { GraphQLSchema } from 'graphql';

export { applyRewrites, isObjectOfType } from '@apollo/gateway/dist/dataRewrites';
export { deepMerge } from '@apollo/gateway/dist/utilities/deepMerge';
export { generateHydratedPaths } from '@apollo/gateway/dist/executeQueryPlan';
export { computeResponse } from '@apollo/gateway/dist/resultShaping';
export { GraphQLDataSourceRequestKind } from '@apollo/gateway/dist/datasources/types';
export {
  tracer,
  OpenTelemetrySpanNames,
  recordExceptions,
  requestContextSpanAttributes,
  operationContextSpanAttributes,
  type OpenTelemetryConfig,
} from '@apollo/gateway/dist/utilities/opentelemetry';

export type StockExecutor = ApolloGateway['executor'];
export type RequestContext = Parameters<StockExecutor>[0];
export type ExecutionResult = Awaited<ReturnType<StockExecutor>>;

/** The private members of ApolloGateway the lean executor reads (all set by `load()` and every schema update). */
export interface GatewayInternals {
  /** The API schema as GraphQL-js (what Apollo Server validates against). */
  schema?: GraphQLSchema;
  /** The API schema as federation-internals (what operations and result shaping use). */
  apiSchema?: Schema;
  /** The supergraph as GraphQL-js (rewrites and `requires` type conditions are evaluated against it). */
  supergraphSchema?: GraphQLSchema;
  serviceMap: Record<string, { dataSource: GraphQLDataSource }>;
  queryPlanStore: { get(key: string): Promise<QueryPlan | undefined>; set(key: string, plan: QueryPlan): Promise<void> };
  /** The gateway's planner (rebuilt on every supergraph update) and its planning options. */
  queryPlanner?: QueryPlanner;
  recursiveSelectionsLimitDisabled?: boolean;
  nonLocalSelectionsLimitDisabled?: boolean;
  config: {
    debug?: boolean;
    __exposeQueryPlanExperimental?: boolean;
    telemetry?: import('@apollo/gateway/dist/utilities/opentelemetry').OpenTelemetryConfig;
  };
  experimental_didResolveQueryPlan?: unknown;
}

/** The gateway's internals, or a reason why they do not look like 2.14's. */
export function readInternals(gateway: ApolloGateway): GatewayInternals | string {
  const g = gateway as unknown as Partial<GatewayInternals>;
  if (!g.queryPlanStore || typeof g.queryPlanStore.get !== 'function') return 'no queryPlanStore';
  if (!g.serviceMap || typeof g.serviceMap !== 'object') return 'no serviceMap';
  if (!g.config || typeof g.config !== 'object') return 'no config';
  if (!g.apiSchema || !g.schema || !g.supergraphSchema) return 'schemas not loaded';
  return g as GatewayInternals;
}

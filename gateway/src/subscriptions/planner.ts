import { buildOperationContext } from '@apollo/gateway';
import { operationFromDocument, type Schema } from '@apollo/federation-internals';
import { QueryPlanner, type FetchNode, type PlanNode, type QueryPlan } from '@apollo/query-planner';
import { GraphQLError, print, type DocumentNode, type GraphQLSchema } from 'graphql';
import { boundedMap, ErrorCode, type BoundedMap } from '@cloudlab/kit';

/** Everything needed to run one subscription operation against the current supergraph. */
export interface SubscriptionPlan {
  /** The fetch that opens the subscription at the subgraph owning the root field. */
  primary: FetchNode;
  /** `primary` then the rest: what runs for every event, the event standing in for `primary`'s answer. */
  perEvent: QueryPlan;
  operationContext: ReturnType<typeof buildOperationContext>;
  supergraphSchema: GraphQLSchema;
  apiSchema: Schema;
}

const CACHE_SIZE = 500;

const texts = new WeakMap<DocumentNode, string>();
/** A document's canonical text, printed once per document object (clients share parsed documents). */
export function printed(document: DocumentNode): string {
  let text = texts.get(document);
  if (text === undefined) texts.set(document, (text = print(document)));
  return text;
}

/** The members of @apollo/gateway 2.14 the planner reads: set on load and on every supergraph update. */
interface GatewayPlanning {
  queryPlanner?: QueryPlanner;
  apiSchema?: Schema;
  schema?: GraphQLSchema;
  supergraphSchema?: GraphQLSchema;
}

/**
 * Plans subscription operations with the gateway's own QueryPlanner (the one that plans every
 * query), read from @apollo/gateway whenever it loads or hot-reloads the supergraph
 * (`onSchemaLoadOrUpdate` fires after the gateway has built it): @apollo/gateway plans
 * subscriptions (`SubscriptionNode { primary, rest }`) but refuses to execute them.
 */
export class SubscriptionPlanner {
  private current:
    | { planner: QueryPlanner; apiSchema: Schema; apiGraphQLSchema: GraphQLSchema; supergraphSchema: GraphQLSchema; plans: BoundedMap<string, SubscriptionPlan> }
    | undefined;

  /** Follows `gateway`'s planner and schemas from now on. */
  constructor(private readonly gateway: { onSchemaLoadOrUpdate(listener: () => void): unknown }) {
    gateway.onSchemaLoadOrUpdate(() => this.update());
  }

  private update(): void {
    const g = this.gateway as unknown as GatewayPlanning;
    if (!g.queryPlanner || !g.apiSchema || !g.schema || !g.supergraphSchema) {
      throw new Error('@apollo/gateway no longer exposes queryPlanner/apiSchema/schema/supergraphSchema: subscriptions cannot be planned');
    }
    this.current = { planner: g.queryPlanner, apiSchema: g.apiSchema, apiGraphQLSchema: g.schema, supergraphSchema: g.supergraphSchema, plans: boundedMap(CACHE_SIZE) };
  }

  /** The public schema (undefined before the first load). */
  get schema(): GraphQLSchema | undefined {
    return this.current?.apiGraphQLSchema;
  }

  plan(document: DocumentNode, operationName: string | undefined): SubscriptionPlan {
    const state = this.current;
    if (!state) throw new GraphQLError('The supergraph is not loaded yet', { extensions: { code: ErrorCode.SERVICE_UNAVAILABLE } });
    const key = `${operationName ?? ''}\n${printed(document)}`;
    const cached = state.plans.get(key);
    if (cached) return cached;
    const operation = operationFromDocument(state.apiSchema, document, { operationName });
    const queryPlan = state.planner.buildQueryPlan(operation);
    const root = queryPlan.node;
    if (root?.kind !== 'Subscription') {
      throw new GraphQLError('Not a subscription operation', { extensions: { code: ErrorCode.BAD_USER_INPUT } });
    }
    const nodes: PlanNode[] = root.rest ? [root.primary, root.rest] : [root.primary];
    const plan: SubscriptionPlan = {
      primary: root.primary,
      perEvent: { kind: 'QueryPlan', node: nodes.length === 1 ? nodes[0] : { kind: 'Sequence', nodes } },
      operationContext: buildOperationContext({ schema: state.apiGraphQLSchema, operationDocument: document, operationName }),
      supergraphSchema: state.supergraphSchema,
      apiSchema: state.apiSchema,
    };
    state.plans.set(key, plan);
    return plan;
  }
}

import { buildOperationContext } from '@apollo/gateway';
import { Supergraph, operationFromDocument, type Schema } from '@apollo/federation-internals';
import { QueryPlanner, type FetchNode, type PlanNode, type QueryPlan } from '@apollo/query-planner';
import { GraphQLError, print, type DocumentNode, type GraphQLSchema } from 'graphql';

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

/**
 * The gateway's own QueryPlanner over the same supergraph SDL @apollo/gateway serves (it is
 * handed every load and hot reload), used for subscription operations only: @apollo/gateway
 * plans them (`SubscriptionNode { primary, rest }`) but refuses to execute them.
 */
export class SubscriptionPlanner {
  private current:
    | { planner: QueryPlanner; apiSchema: Schema; apiGraphQLSchema: GraphQLSchema; supergraphSchema: GraphQLSchema; plans: Map<string, SubscriptionPlan> }
    | undefined;

  /** Called with the supergraph SDL on load and on every reload. */
  update(supergraphSdl: string, apiGraphQLSchema: GraphQLSchema): void {
    const supergraph = Supergraph.build(supergraphSdl);
    this.current = {
      planner: new QueryPlanner(supergraph),
      apiSchema: supergraph.apiSchema(),
      apiGraphQLSchema,
      supergraphSchema: supergraph.schema.toGraphQLJSSchema(),
      plans: new Map(),
    };
  }

  /** The public schema clients validate against (undefined before the first load). */
  get schema(): GraphQLSchema | undefined {
    return this.current?.apiGraphQLSchema;
  }

  plan(document: DocumentNode, operationName: string | undefined): SubscriptionPlan {
    const state = this.current;
    if (!state) throw new GraphQLError('The supergraph is not loaded yet', { extensions: { code: 'SERVICE_UNAVAILABLE' } });
    const key = `${operationName ?? ''}\n${printed(document)}`;
    const cached = state.plans.get(key);
    if (cached) {
      // Refresh its place: the map's insertion order is the eviction order.
      state.plans.delete(key);
      state.plans.set(key, cached);
      return cached;
    }
    const operation = operationFromDocument(state.apiSchema, document, { operationName });
    const queryPlan = state.planner.buildQueryPlan(operation);
    const root = queryPlan.node;
    if (root?.kind !== 'Subscription') {
      throw new GraphQLError('Not a subscription operation', { extensions: { code: 'BAD_USER_INPUT' } });
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
    if (state.plans.size > CACHE_SIZE) state.plans.delete(state.plans.keys().next().value!);
    return plan;
  }
}

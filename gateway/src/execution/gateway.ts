import { createHash } from 'node:crypto';
import { ApolloGateway, buildOperationContext, type GatewayConfig } from '@apollo/gateway';
import { operationFromDocument, type Operation, type Supergraph } from '@apollo/federation-internals';
import type { PlanNode, QueryPlan, QueryPlanSelectionNode } from '@apollo/query-planner';
import { Kind, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { GraphQLError, getVariableValues } from './graphql';
import { Counter } from 'prom-client';
import { boundedMap, registry } from '@cloudlab/kit';
import { executeNode, type ExecutionState } from './execute';
import {
  computeResponse,
  OpenTelemetrySpanNames,
  operationContextSpanAttributes,
  readInternals,
  recordExceptions,
  requestContextSpanAttributes,
  tracer,
  type ExecutionResult,
  type GatewayInternals,
  type RequestContext,
  type StockExecutor,
} from './internals';
import { compileShape, shape, type CompiledShape } from './shape';
import { executeDeferred, holdStream, planWithoutDefer, prepareDefer, streamable, usesDefer, type DeferPlanning, type PreparedDefer } from './defer';

/** What the lean executor keeps per query plan (so per operation and supergraph). */
interface Compiled {
  /** Set when this operation goes to the stock executor (introspection, subscriptions, @defer…). */
  fallback?: string;
  operation: OperationDefinitionNode;
  /** `operationFromDocument(apiSchema, …)`: stock builds it on every request, we once. */
  federationOperation: Operation;
  shape: CompiledShape;
  apiSchema: unknown;
}

const executions = new Counter({
  name: 'cloudlab_gateway_executions_total',
  help: 'Operations executed by the lean executor (path="lean"), handed to the stock executor (path="stock": first sight of an operation, introspection, @defer…), or executed lean but shaped by stock computeResponse (path="lean_stock_shaping": subgraph data stock would assert on)',
  labelNames: ['path'],
  registers: [registry],
});
const leanPath = executions.labels('lean');
const deferPath = executions.labels('lean_defer');
const stockPath = executions.labels('stock');
const slowShapingPath = executions.labels('lean_stock_shaping');

/**
 * ApolloGateway that keeps loading, planning (its QueryPlanner and plan cache), hot reload and
 * data sources, but hands Apollo Server a leaner executor (see README.md). Requests it does not
 * handle go to the stock executor, which also plans and caches every operation the first time.
 */
export class LeanGateway extends ApolloGateway {
  private compiled = new WeakMap<QueryPlan, Compiled>();
  private planKeys = boundedMap<string, string>(10_000);
  private internals?: GatewayInternals;
  /** `@defer` operations planned with their defers (defer.ts), by stock's plan key. */
  private deferPlans = boundedMap<string, PreparedDefer & { apiSchema: unknown; operation: OperationDefinitionNode; unsupported?: string }>(1_000);
  private readonly defer: boolean;

  /**
   * `defer` (default true): the planner plans `@defer` (`incrementalDelivery.enableDefer`) and the
   * API schema Apollo Server validates against declares it; streamed to clients that accept
   * `multipart/mixed; deferSpec=20220824` when the incremental-delivery plugin is installed
   * (plugins/incremental-delivery.ts), the plain answer otherwise.
   */
  constructor(config?: GatewayConfig & { defer?: boolean }) {
    const { defer = true, ...rest } = config ?? {};
    super(
      (defer
        ? { ...rest, queryPlannerConfig: { ...rest.queryPlannerConfig, incrementalDelivery: { ...rest.queryPlannerConfig?.incrementalDelivery, enableDefer: true } } }
        : rest) as GatewayConfig,
    );
    this.defer = defer;
    if (defer) {
      // @apollo/gateway builds the validation schema without @defer: declare it (same API schema otherwise).
      const self = this as unknown as { updateWithSchemaAndNotify(supergraph: Supergraph, ...rest: unknown[]): unknown };
      const update = self.updateWithSchemaAndNotify.bind(this);
      self.updateWithSchemaAndNotify = (supergraph, ...args) => update(withDeferDeclared(supergraph), ...args);
    }
  }

  override async load(options?: Parameters<ApolloGateway['load']>[0]) {
    const loaded = await super.load(options);
    const internals = readInternals(this);
    if (typeof internals === 'string') {
      // Not the 2.14 internals we know: serve everything with the stock executor.
      (this as unknown as { logger?: { warn(message: string): void } }).logger?.warn(
        `lean executor disabled (${internals}): every operation runs on the stock @apollo/gateway executor`,
      );
      return loaded;
    }
    this.internals = internals;
    const stock = loaded.executor;
    return { ...loaded, executor: ((requestContext: RequestContext) => this.leanExecute(requestContext, stock)) as StockExecutor };
  }

  private async leanExecute(rc: RequestContext, stock: StockExecutor): Promise<ExecutionResult> {
    const g = this.internals!;
    const { request, document, queryHash } = rc;
    const key = request.operationName ? this.planKey(queryHash, request.operationName) : queryHash;
    if (this.defer && usesDefer(document)) {
      const stockOnly = this.stockOnly(g, rc);
      if (!stockOnly && streamable(rc.context)) {
        const streamed = await this.deferExecute(g, rc, key);
        if (streamed) return streamed;
      }
      // The plain answer: the operation planned without its @defers (stock's plan), under stock's key.
      if (!(await g.queryPlanStore.get(key))) {
        try {
          await g.queryPlanStore.set(key, planWithoutDefer(this.planning(g), document, request.operationName));
        } catch {
          // Not plannable: stock answers with the error.
        }
      }
    }
    if (this.stockOnly(g, rc)) return this.stock(rc, stock);
    const plan = await g.queryPlanStore.get(key);
    // Not planned yet: stock plans it, caches the plan and executes this request.
    if (!plan) return this.stock(rc, stock);
    let compiled = this.compiled.get(plan);
    if (!compiled || compiled.apiSchema !== g.apiSchema) {
      compiled = this.compile(plan, document, request.operationName);
      this.compiled.set(plan, compiled);
    }
    if (compiled.fallback) return this.stock(rc, stock);
    leanPath.inc();

    return this.traced(g, rc, compiled.operation, () => this.execute(g, rc, plan, compiled));
  }

  /** One `gateway.request` span (stock's name and attributes) around variable checks and execution. */
  private traced(g: GatewayInternals, rc: RequestContext, operation: OperationDefinitionNode, run: () => Promise<ExecutionResult>): Promise<ExecutionResult> {
    return tracer.startActiveSpan(OpenTelemetrySpanNames.REQUEST, { attributes: requestContextSpanAttributes(rc, g.config.telemetry) }, async (span) => {
      try {
        span.setAttributes(operationContextSpanAttributes({ operation } as never));
        const variableDefinitions = operation.variableDefinitions;
        if (variableDefinitions) {
          const { errors } = getVariableValues(g.schema!, variableDefinitions, rc.request.variables || {});
          if (errors && errors.length > 0) {
            recordExceptions(span, errors, g.config.telemetry);
            span.setStatus({ code: 2 });
            return { errors };
          }
        }
        const response = await run();
        if (response.errors) {
          recordExceptions(span, response.errors, g.config.telemetry);
          span.setStatus({ code: 2 });
        }
        return response;
      } catch (err) {
        recordExceptions(span, [err as Error], g.config.telemetry);
        span.setStatus({ code: 2 });
        throw err;
      } finally {
        span.end();
      }
    });
  }

  /** Requests the stock executor must serve whatever the operation (query plan exposure, traces, debug). */
  private stockOnly(g: GatewayInternals, rc: RequestContext): boolean {
    return !!(
      g.config.debug ||
      g.experimental_didResolveQueryPlan ||
      rc.metrics?.captureTraces ||
      (g.config.__exposeQueryPlanExperimental && rc.request.http?.headers?.get('Apollo-Query-Plan-Experimental'))
    );
  }

  private planning(g: GatewayInternals): DeferPlanning {
    return {
      apiSchema: g.apiSchema!,
      queryPlanner: g.queryPlanner!,
      planOptions: { recursiveSelectionsLimitDisabled: g.recursiveSelectionsLimitDisabled, nonLocalSelectionsLimitDisabled: g.nonLocalSelectionsLimitDisabled },
    };
  }

  /**
   * A `@defer` operation for a client that takes incremental delivery: the initial result now, the
   * deferred parts handed to the incremental-delivery plugin. Undefined when this operation cannot
   * be streamed here (the caller answers it plainly).
   */
  private async deferExecute(g: GatewayInternals, rc: RequestContext, key: string): Promise<ExecutionResult | undefined> {
    if (!g.queryPlanner) return undefined;
    let prepared = this.deferPlans.get(key);
    if (!prepared || prepared.apiSchema !== g.apiSchema) {
      let planned: PreparedDefer;
      try {
        planned = prepareDefer(this.planning(g), rc.document, rc.request.operationName);
      } catch {
        return undefined; // the plain path reports what is wrong with it
      }
      const operation = buildOperationContext({ schema: g.schema!, operationDocument: rc.document, operationName: rc.request.operationName ?? undefined }).operation;
      const unsupported = compileShape(planned.shaped).unsupported ?? unsupportedNode(planned.plan.node as PlanNode | undefined);
      prepared = { ...planned, apiSchema: g.apiSchema, operation, ...(unsupported ? { unsupported } : {}) } as never;
      this.deferPlans.set(key, prepared!);
    }
    const p = prepared!;
    if (p.unsupported) return undefined;
    deferPath.inc();
    return this.traced(g, rc, p.operation, async () => {
      const { initial, subsequent } = await executeDeferred(
        { gateway: g, requestContext: rc, supergraphSchema: g.supergraphSchema!, variableDefinitions: p.shaped.variableDefinitions },
        p,
        rc.request.variables,
        p.shaped.collectDefaultedVariableValues() as Record<string, unknown>,
      );
      if (subsequent) holdStream(rc.context as object, subsequent);
      return initial as ExecutionResult;
    });
  }

  private stock(rc: RequestContext, stock: StockExecutor) {
    stockPath.inc();
    return stock(rc);
  }

  /** Stock executeQueryPlan, minus the per-request operation rebuild and Studio trace nodes. */
  private async execute(g: GatewayInternals, rc: RequestContext, plan: QueryPlan, compiled: Compiled): Promise<ExecutionResult> {
    const st: ExecutionState = {
      gateway: g,
      requestContext: rc,
      supergraphSchema: g.supergraphSchema!,
      variableDefinitions: compiled.federationOperation.variableDefinitions,
      errors: [],
    };
    const data: Record<string, any> = {};
    if (plan.node) await executeNode(st, plan.node as PlanNode, { path: [], data, fullResult: data });

    const errors = st.errors;
    const variables = rc.request.variables;
    let shaped: { data: Record<string, unknown> | null | undefined; errors: InstanceType<typeof GraphQLError>[] };
    try {
      try {
        shaped = shape(compiled.shape, data, variables);
      } catch {
        // BAIL (data stock would assert on) or anything unforeseen: the input is untouched, so
        // stock shaping answers (and fails) exactly as it would have.
        slowShapingPath.inc();
        shaped = computeResponse({
          operation: compiled.federationOperation,
          variables,
          input: data,
          introspectionHandling: () => {
            throw new Error('introspection is served by the stock executor');
          },
        });
      }
    } catch (error) {
      // Stock post-processing's catch.
      if (error instanceof GraphQLError) return { errors: [error] };
      if (error instanceof Error) return { errors: [new GraphQLError(error.message, { originalError: error })] };
      (rc.logger || console).error('Unexpected error during query plan execution: ' + error);
      return { errors: [new GraphQLError('Unexpected error during query plan execution')] };
    }
    if (errors.length === 0 && shaped.errors.length > 0) return { extensions: { valueCompletion: shaped.errors }, data: shaped.data };
    return errors.length === 0 ? { data: shaped.data } : { errors, data: shaped.data };
  }

  private compile(plan: QueryPlan, document: DocumentNode, operationName: string | undefined | null): Compiled {
    const g = this.internals!;
    const operationContext = buildOperationContext({ schema: g.schema!, operationDocument: document, operationName: operationName ?? undefined });
    const base = { operation: operationContext.operation, apiSchema: g.apiSchema };
    let federationOperation: Operation;
    try {
      federationOperation = operationFromDocument(
        g.apiSchema!,
        { kind: Kind.DOCUMENT, definitions: [operationContext.operation, ...Object.values(operationContext.fragments)] },
        { validate: false },
      );
    } catch {
      return { ...base, fallback: 'operation', federationOperation: undefined as never, shape: undefined as never };
    }
    const compiledShape = compileShape(federationOperation);
    const fallback = compiledShape.unsupported ?? unsupportedNode(plan.node as PlanNode | undefined);
    return { ...base, federationOperation, shape: compiledShape, ...(fallback ? { fallback } : {}) };
  }

  /** Stock's plan cache key: sha256(queryHash + operationName). */
  private planKey(queryHash: string, operationName: string): string {
    const memoKey = `${operationName}\u0000${queryHash}`;
    let key = this.planKeys.get(memoKey);
    if (key === undefined) {
      key = createHash('sha256').update(queryHash).update(operationName).digest('hex');
      this.planKeys.set(memoKey, key);
    }
    return key;
  }
}

/** Why a plan needs the stock executor, if it does. */
function unsupportedNode(node: PlanNode | { kind: 'Subscription' } | undefined): string | undefined {
  if (!node) return undefined;
  switch (node.kind) {
    case 'Sequence':
    case 'Parallel':
      for (const child of node.nodes) {
        const reason = unsupportedNode(child);
        if (reason) return reason;
      }
      return undefined;
    case 'Flatten':
      return unsupportedNode(node.node);
    case 'Defer':
      return unsupportedNode(node.primary.node) ?? node.deferred.reduce<string | undefined>((reason, d) => reason ?? unsupportedNode(d.node), undefined);
    case 'Condition':
      return unsupportedNode(node.ifClause) ?? unsupportedNode(node.elseClause);
    case 'Fetch':
      if (node.hasDefers) return 'fetch with @defer';
      if (node.contextRewrites?.length) return 'fetch with context rewrites';
      if (node.requires && namesProto(node.requires)) return '__proto__ in requires';
      return undefined;
    default:
      return `${node.kind} node`;
  }
}

/** Whether a `requires` selection writes a `__proto__` key (representations are plain objects here). */
function namesProto(selections: QueryPlanSelectionNode[]): boolean {
  return selections.some((s) =>
    s.kind === 'Field' ? (s.alias ?? s.name) === '__proto__' || (!!s.selections && namesProto(s.selections)) : namesProto(s.selections),
  );
}

/** The supergraph, with an API schema whose graphql-js form declares `@defer` (so Apollo Server validates it). */
function withDeferDeclared(supergraph: Supergraph): Supergraph {
  const apiSchema = supergraph.apiSchema.bind(supergraph);
  supergraph.apiSchema = () => {
    const schema = apiSchema();
    const toGraphQLJSSchema = schema.toGraphQLJSSchema.bind(schema);
    schema.toGraphQLJSSchema = (config) => toGraphQLJSSchema({ includeDefer: true, ...config });
    return schema;
  };
  return supergraph;
}

/**
 * Query plan execution: Sequence, Parallel, Flatten, Fetch and Condition nodes, as
 * @apollo/gateway's executeQueryPlan.ts runs them (same order of fetches, same representations,
 * same merge, same error paths), minus what only Studio tracing needs (protobuf trace nodes per
 * plan node, per-fetch timestamps) and the per-fetch `gateway.fetch` spans (each subgraph call
 * already has its HTTP client span, child of `gateway.request`).
 *
 * Fetches go through the gateway's own data sources (`fetchForPlan` where offered, else
 * `dataSource.process`), so identity headers, timeouts, error naming and cache-control hints of
 * datasource.ts apply unchanged. Results are
 * merged in place (merge.ts: stock `deepMerge`, step for step); rewrites are stock `applyRewrites`.
 */
import type { GraphQLDataSource } from '@apollo/gateway';
import { errorCodeDef, ERRORS, type VariableDefinitions } from '@apollo/federation-internals';
import {
  evaluateCondition,
  type DeferNode,
  type FetchNode,
  type PlanNode,
  type QueryPlanSelectionNode,
  type ResponsePath,
} from '@apollo/query-planner';
import type { GraphQLError as GraphQLErrorType, GraphQLErrorOptions, GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { GraphQLError } from './graphql';
import {
  applyRewrites as stockApplyRewrites,
  generateHydratedPaths,
  GraphQLDataSourceRequestKind,
  isObjectOfType as stockIsObjectOfType,
  type GatewayInternals,
  type RequestContext,
} from './internals';
import { deepMerge } from './merge';

// Module exports are getters once compiled: read the per-entity helpers once.
const applyRewrites = stockApplyRewrites;
const isObjectOfType = stockIsObjectOfType;

type ResultMap = Record<string, any>;

/** A path into the merged result and the (flattened) data it points at: stock's ResultCursor. */
export interface Cursor {
  path: ResponsePath;
  data: ResultMap | ResultMap[];
  fullResult: ResultMap;
}

export interface ExecutionState {
  gateway: GatewayInternals;
  requestContext: RequestContext;
  supergraphSchema: GraphQLSchema;
  variableDefinitions: VariableDefinitions;
  errors: GraphQLErrorType[];
  /** Runs a `Defer` node (defer.ts); without it a plan with one is not executable here. */
  onDefer?: (node: DeferNode, cursor: Cursor) => Promise<void>;
}

const hasOwn = Object.prototype.hasOwnProperty;

export async function executeNode(st: ExecutionState, node: PlanNode, cursor: Cursor | undefined): Promise<void> {
  if (!cursor) return;
  switch (node.kind) {
    case 'Sequence':
      for (const child of node.nodes) await executeNode(st, child, cursor);
      return;
    case 'Parallel':
      await Promise.all(node.nodes.map((child) => executeNode(st, child, cursor)));
      return;
    case 'Flatten':
      return executeNode(st, node.node, moveIntoCursor(cursor, node.path));
    case 'Fetch':
      try {
        await executeFetch(st, node, cursor);
      } catch (error) {
        st.errors.push(error as GraphQLErrorType);
      }
      return;
    case 'Condition': {
      const branch = evaluateCondition(node, st.variableDefinitions, st.requestContext.request.variables) ? node.ifClause : node.elseClause;
      if (branch) await executeNode(st, branch, cursor);
      return;
    }
    case 'Defer':
      if (st.onDefer) return st.onDefer(node, cursor);
      throw new Error('Unexpected Defer node');
    default:
      // Anything newer never gets here: compile() sends such plans to the stock executor.
      throw new Error(`Unexpected plan node ${(node as { kind: string }).kind}`);
  }
}

async function executeFetch(st: ExecutionState, fetch: FetchNode, cursor: Cursor): Promise<void> {
  const service = st.gateway.serviceMap[fetch.serviceName]?.dataSource;
  if (!service) throw new Error(`Couldn't find service with name "${fetch.serviceName}"`);

  let entities: ResultMap[];
  if (Array.isArray(cursor.data)) {
    entities = [];
    for (const entity of cursor.data) if (entity !== null && entity !== undefined) entities.push(entity);
  } else {
    entities = [cursor.data];
  }
  if (entities.length < 1) return;

  const variables = Object.create(null) as ResultMap;
  if (fetch.variableUsages) {
    const provided = st.requestContext.request.variables;
    for (const name of fetch.variableUsages) {
      if (provided && hasOwn.call(provided, name) && typeof provided[name] !== 'undefined') variables[name] = provided[name];
    }
  }

  if (!fetch.requires) {
    const received = await send(st, service, fetch, cursor, variables);
    if (received && fetch.outputRewrites) applyRewrites(st.supergraphSchema, fetch.outputRewrites, received);
    for (const entity of entities) deepMerge(entity, received);
    return;
  }

  const requires = fetch.requires;
  const representations: ResultMap[] = [];
  const representationToEntity: number[] = [];
  for (let index = 0; index < entities.length; index++) {
    // `requires` may name @inaccessible elements: evaluated against the supergraph, as stock does.
    const representation = selectRequires(st.supergraphSchema, entities[index]!, requires);
    if (representation && representation.__typename) {
      if (fetch.inputRewrites) applyRewrites(st.supergraphSchema, fetch.inputRewrites, representation);
      representations.push(representation);
      representationToEntity.push(index);
    }
  }
  if (representations.length < 1) return;
  if ('representations' in variables) throw new Error(`Variables cannot contain key "representations"`);

  const received = await send(st, service, fetch, cursor, { ...variables, representations });
  if (!received) return;
  if (!(received._entities && Array.isArray(received._entities))) throw new Error(`Expected "data._entities" in response to be an array`);
  const receivedEntities = received._entities as (ResultMap | null)[];
  if (receivedEntities.length !== representations.length) {
    throw new Error(`Expected "data._entities" to contain ${representations.length} elements`);
  }
  // Stock loops over `entities.length`; the extra rounds see `undefined` on both sides and do nothing.
  for (let i = 0; i < representations.length; i++) {
    const receivedEntity = receivedEntities[i];
    const existingEntity = entities[representationToEntity[i]!]!;
    if (receivedEntity && !receivedEntity.__typename) receivedEntity.__typename = existingEntity.__typename;
    if (fetch.outputRewrites) applyRewrites(st.supergraphSchema, fetch.outputRewrites, receivedEntity as ResultMap);
    deepMerge(existingEntity, receivedEntity);
  }
}

/**
 * A data source may offer a direct call for plan fetches (datasource.ts on the lean fetcher does):
 * the same request and semantics as `process()`, without its per-call objects.
 */
export interface PlanFetchSource {
  fetchForPlan?: (
    request: { query: string; variables: ResultMap; operationName?: string },
    incoming: { context: any; overallCachePolicy?: unknown },
  ) => Promise<{ data?: unknown; errors?: readonly GraphQLFormattedError[]; extensions?: Record<string, unknown> }>;
}

async function send(st: ExecutionState, service: GraphQLDataSource, fetch: FetchNode, cursor: Cursor, variables: ResultMap): Promise<ResultMap | void | null> {
  const rc = st.requestContext;
  const direct = (service as PlanFetchSource).fetchForPlan;
  const response = direct
    ? await direct({ query: fetch.operation, variables, operationName: fetch.operationName }, rc)
    : await service.process({
        kind: GraphQLDataSourceRequestKind.INCOMING_OPERATION as never,
        request: { query: fetch.operation, variables, operationName: fetch.operationName, http: undefined },
        incomingRequestContext: rc,
        context: rc.context,
        document: fetch.operationDocumentNode,
        pathInIncomingRequest: cursor.path,
      });
  if (response.errors) {
    const errorPath = lazyErrorPaths(fetch, cursor);
    for (const error of response.errors) st.errors.push(downstreamServiceError(error, fetch.serviceName, errorPath));
    if (!response.extensions?.ftv1) {
      const errorPaths = response.errors.map((error) => ({ subgraph: fetch.serviceName, path: error.path }));
      const metrics = rc.metrics as { nonFtv1ErrorPaths?: unknown[] };
      if (metrics.nonFtv1ErrorPaths) metrics.nonFtv1ErrorPaths.push(...errorPaths);
      else metrics.nonFtv1ErrorPaths = errorPaths;
    }
  }
  return response.data as ResultMap | null | undefined;
}

/**
 * Stock `executeSelectionSet`: the representation of one entity for a fetch's `requires`. Stock
 * starts from an empty object and deep-merges each matching fragment's selection into it; the
 * first such merge into the still-empty object is a copy, so that selection is taken as is.
 * Plain objects (stock: prototype-less) are safe because compile() sends plans whose `requires`
 * name `__proto__` to the stock executor.
 */
function selectRequires(schema: GraphQLSchema, source: ResultMap | null, selections: QueryPlanSelectionNode[]): ResultMap | null {
  if (source === null) return null;
  let result: ResultMap | undefined;
  for (let i = 0; i < selections.length; i++) {
    const selection = selections[i]!;
    if (selection.kind === 'Field') {
      const responseName = selection.alias ? selection.alias : selection.name;
      const sub = selection.selections;
      if (!hasOwn.call(source, responseName) || typeof source[responseName] === 'undefined') return null;
      const value = source[responseName];
      result ??= {};
      if (Array.isArray(value)) result[responseName] = value.map((v: ResultMap | null) => (sub ? selectRequires(schema, v, sub) : v));
      else if (sub) result[responseName] = selectRequires(schema, value, sub);
      else result[responseName] = value;
    } else {
      if (!selection.typeCondition || !source) continue;
      if (isObjectOfType(schema, source, selection.typeCondition)) {
        const selected = selectRequires(schema, source, selection.selections);
        if (result === undefined) {
          if (selected !== null) result = selected;
        } else {
          deepMerge(result, selected);
        }
      }
    }
  }
  return result ?? {};
}

/** Stock `moveIntoCursor`. */
function moveIntoCursor(cursor: Cursor, pathInCursor: ResponsePath): Cursor | undefined {
  const data = flattenResultsAtPath(cursor.data, pathInCursor, 0);
  return data ? { path: cursor.path.concat(pathInCursor), data, fullResult: cursor.fullResult } : undefined;
}

/**
 * Stock `flattenResultsAtPath` (which recurses on `path.slice(1)` and `Array.flatMap`): same
 * results, same failures, plain loops.
 */
function flattenResultsAtPath(value: any, path: ResponsePath, from: number): any {
  if (from >= path.length) return value;
  if (value === undefined || value === null) return value;
  const current = path[from];
  if (current === '@') {
    if (!Array.isArray(value)) return value.flatMap((element: any) => flattenResultsAtPath(element, path, from + 1)); // fails as stock does
    const result: any[] = [];
    for (let i = 0; i < value.length; i++) {
      const inner = flattenResultsAtPath(value[i], path, from + 1);
      if (Array.isArray(inner)) for (let j = 0; j < inner.length; j++) result.push(inner[j]);
      else result.push(inner);
    }
    return result;
  }
  // Stock asserts (federation-internals `assert` throws a plain Error with the message).
  if (typeof current !== 'string') throw new Error(`Unexpected ${typeof current} found in path`);
  if (Array.isArray(value)) throw new Error(`Unexpected array in result for path element ${current}`);
  return flattenResultsAtPath(hasOwn.call(value, current) ? value[current] : undefined, path, from + 1);
}

type ErrorPathGenerator = (path: GraphQLErrorOptions['path']) => GraphQLErrorOptions['path'];

/** Stock `makeLazyErrorPathGenerator`. */
function lazyErrorPaths(fetch: FetchNode, cursor: Cursor): ErrorPathGenerator {
  let hydratedPaths: ResponsePath[] | undefined;
  return (errorPath) => {
    if (fetch.requires && typeof errorPath?.[1] === 'number') {
      if (!hydratedPaths) {
        hydratedPaths = [];
        generateHydratedPaths([], cursor.path, cursor.fullResult, hydratedPaths);
      }
      const hydratedPath = hydratedPaths[errorPath[1]] ?? [];
      return [...hydratedPath, ...errorPath.slice(2)];
    }
    return errorPath ? [...cursor.path, ...errorPath.slice()] : undefined;
  };
}

/** Stock `downstreamServiceError`. */
function downstreamServiceError(originalError: GraphQLFormattedError, serviceName: string, generateErrorPath: ErrorPathGenerator) {
  let { message } = originalError;
  const { extensions } = originalError;
  if (!message) message = `Error while fetching subquery from service "${serviceName}"`;
  const errorOptions: GraphQLErrorOptions = {
    originalError: originalError as Error,
    path: generateErrorPath(originalError.path),
    extensions: { ...extensions, serviceName },
  };
  const codeDef = errorCodeDef(originalError);
  if (!codeDef && extensions?.code) return new GraphQLError(message, errorOptions);
  return (codeDef ?? ERRORS.DOWNSTREAM_SERVICE_ERROR).err(message, errorOptions);
}

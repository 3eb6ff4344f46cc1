/**
 * Query plan execution: Sequence, Parallel, Flatten, Fetch and Condition nodes, as
 * @apollo/gateway's executeQueryPlan.ts runs them (same order of fetches, same representations,
 * same merge, same error paths), minus what only Studio tracing needs (protobuf trace nodes per
 * plan node, per-fetch timestamps).
 *
 * Fetches go through the gateway's own data sources (`dataSource.process`), so identity headers,
 * timeouts, error naming and cache-control hints of datasource.ts apply unchanged. Results are
 * merged in place with stock `deepMerge`; rewrites are stock `applyRewrites`.
 */
import type { GraphQLDataSource } from '@apollo/gateway';
import { assert, errorCodeDef, ERRORS, type VariableDefinitions } from '@apollo/federation-internals';
import {
  evaluateCondition,
  type FetchNode,
  type PlanNode,
  type QueryPlanSelectionNode,
  type ResponsePath,
} from '@apollo/query-planner';
import { GraphQLError, type GraphQLErrorOptions, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import {
  applyRewrites,
  deepMerge,
  generateHydratedPaths,
  GraphQLDataSourceRequestKind,
  isObjectOfType,
  OpenTelemetrySpanNames,
  recordExceptions,
  tracer,
  type GatewayInternals,
  type RequestContext,
} from './internals';

type ResultMap = Record<string, any>;

/** A path into the merged result and the (flattened) data it points at: stock's ResultCursor. */
interface Cursor {
  path: ResponsePath;
  data: ResultMap | ResultMap[];
  fullResult: ResultMap;
}

export interface ExecutionState {
  gateway: GatewayInternals;
  requestContext: RequestContext;
  supergraphSchema: GraphQLSchema;
  variableDefinitions: VariableDefinitions;
  errors: GraphQLError[];
  /** Whether to open a `gateway.fetch` span per fetch. */
  spans: boolean;
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
        await (st.spans ? fetchInSpan(st, node, cursor) : executeFetch(st, node, cursor));
      } catch (error) {
        st.errors.push(error as GraphQLError);
      }
      return;
    case 'Condition': {
      const branch = evaluateCondition(node, st.variableDefinitions, st.requestContext.request.variables) ? node.ifClause : node.elseClause;
      if (branch) await executeNode(st, branch, cursor);
      return;
    }
    default:
      // Defer (and anything newer) never gets here: compile() sends such plans to the stock executor.
      throw new Error(`Unexpected plan node ${(node as { kind: string }).kind}`);
  }
}

function fetchInSpan(st: ExecutionState, fetch: FetchNode, cursor: Cursor): Promise<void> {
  return tracer.startActiveSpan(OpenTelemetrySpanNames.FETCH, { attributes: { service: fetch.serviceName } }, async (span) => {
    try {
      await executeFetch(st, fetch, cursor);
    } catch (err) {
      recordExceptions(span, [err as Error], st.gateway.config.telemetry);
      span.setStatus({ code: 2 /* SpanStatusCode.ERROR */ });
      throw err;
    } finally {
      span.end();
    }
  });
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
    if (received) applyRewrites(st.supergraphSchema, fetch.outputRewrites, received);
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
      applyRewrites(st.supergraphSchema, fetch.inputRewrites, representation);
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
    applyRewrites(st.supergraphSchema, fetch.outputRewrites, receivedEntity as ResultMap);
    deepMerge(existingEntity, receivedEntity);
  }
}

async function send(st: ExecutionState, service: GraphQLDataSource, fetch: FetchNode, cursor: Cursor, variables: ResultMap): Promise<ResultMap | void | null> {
  const rc = st.requestContext;
  const response = await service.process({
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

/** Stock `executeSelectionSet`: the representation of one entity for a fetch's `requires`. */
function selectRequires(schema: GraphQLSchema, source: ResultMap | null, selections: QueryPlanSelectionNode[]): ResultMap | null {
  if (source === null) return null;
  const result: ResultMap = Object.create(null);
  for (const selection of selections) {
    if (selection.kind === 'Field') {
      const responseName = selection.alias ? selection.alias : selection.name;
      const sub = selection.selections;
      if (!hasOwn.call(source, responseName) || typeof source[responseName] === 'undefined') return null;
      const value = source[responseName];
      if (Array.isArray(value)) result[responseName] = value.map((v: ResultMap | null) => (sub ? selectRequires(schema, v, sub) : v));
      else if (sub) result[responseName] = selectRequires(schema, value, sub);
      else result[responseName] = value;
    } else {
      if (!selection.typeCondition || !source) continue;
      if (isObjectOfType(schema, source, selection.typeCondition)) deepMerge(result, selectRequires(schema, source, selection.selections));
    }
  }
  return result;
}

/** Stock `moveIntoCursor`. */
function moveIntoCursor(cursor: Cursor, pathInCursor: ResponsePath): Cursor | undefined {
  const data = flattenResultsAtPath(cursor.data, pathInCursor, 0);
  return data ? { path: cursor.path.concat(pathInCursor), data, fullResult: cursor.fullResult } : undefined;
}

/** Stock `flattenResultsAtPath` (index instead of array destructuring; same results, same failures). */
function flattenResultsAtPath(value: any, path: ResponsePath, from: number): any {
  if (from >= path.length) return value;
  if (value === undefined || value === null) return value;
  const current = path[from];
  if (current === '@') return value.flatMap((element: any) => flattenResultsAtPath(element, path, from + 1));
  assert(typeof current === 'string', () => `Unexpected ${typeof current} found in path`);
  assert(!Array.isArray(value), () => `Unexpected array in result for path element ${current}`);
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

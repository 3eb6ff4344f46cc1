import type { ApolloServerPlugin, GraphQLRequestContextDidResolveOperation } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  isObjectType,
  isInterfaceType,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { Counter } from 'prom-client';
import { boundedMap, ErrorCode, registry } from '@cloudlab/kit';

export interface OperationLimits {
  maxDepth: number;
  maxAliases: number;
  maxRootFields: number;
  /** Enforced by the parser (`parseOptions.maxTokens`); this plugin only names the error. */
  maxTokens: number;
  maxCost: number;
  /** What a list field without `first`/`last` counts as. */
  defaultListSize: number;
  /** The largest page the API serves: a bigger `first`/`last` is refused by the subgraph, so counts as this. */
  maxListSize: number;
  /** Weight per field coordinate (`Type.field`), default 1; `__typename` weighs 0. */
  fieldWeights?: Record<string, number>;
}

export interface OperationMeasures {
  depth: number;
  aliases: number;
  rootFields: number;
  cost: number;
  /** Variables whose values change the cost (`first: $n`): part of the verdict's cache key. */
  costVariables: string[];
}

/** Beyond this many visited fields (fragments spread into fragments…), the cost is taken as unbounded. */
const VISIT_BUDGET = 100_000;

const rejected = new Counter({
  name: 'cloudlab_gateway_operations_rejected_total',
  help: 'Operations the gateway refused before planning, by error code',
  labelNames: ['code'],
  registers: [registry],
});

/**
 * Depth, aliases, root fields and an estimated cost of one operation over the API schema.
 * Cost: every field weighs 1 (or its hint), and a field's selections count once per item it may
 * return — `first`/`last` (capped at maxListSize) for a paginated field: on the `edges`/`nodes`
 * of a connection (its `totalCount`, `pageInfo` or facets are there once per connection, not once
 * per item), or directly on a paginated list; defaultListSize for any other list — nested
 * multiplicatively.
 * Introspection (`__schema`, `__type`) is not measured: its shape is fixed and it is off in production.
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
  limits: Pick<OperationLimits, 'defaultListSize' | 'maxListSize' | 'fieldWeights'>,
): OperationMeasures {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const varDefaults = new Map(operation.variableDefinitions?.map((v) => [v.variable.name.value, v.defaultValue]) ?? []);
  const m: OperationMeasures = { depth: 0, aliases: 0, rootFields: 0, cost: 0, costVariables: [] };
  const rootKeys = new Set<string>(); // `{ a a }` is one root field: the same response key merges
  let visits = 0;

  const valueOf = (node: ValueNode): unknown => {
    if (node.kind === Kind.INT) return Number(node.value);
    if (node.kind !== Kind.VARIABLE) return undefined;
    const name = node.name.value;
    if (!m.costVariables.includes(name)) m.costVariables.push(name);
    const fallback = varDefaults.get(name);
    return variables[name] ?? (fallback ? valueOf(fallback) : undefined);
  };
  const clamp = (n: unknown) => (typeof n === 'number' && Number.isFinite(n) ? Math.min(Math.max(n, 0), limits.maxListSize) : undefined);
  /** Items a paginated field (one with `first`/`last`) may return; undefined for any other field. */
  const pageSize = (field: GraphQLField<unknown, unknown>, args: readonly { name: { value: string }; value: ValueNode }[]) => {
    const defs = field.args.filter((a) => a.name === 'first' || a.name === 'last');
    if (!defs.length) return undefined;
    for (const def of defs) {
      const node = args.find((a) => a.name.value === def.name)?.value;
      const n = node && clamp(valueOf(node));
      if (n !== undefined) return n;
    }
    for (const def of defs) {
      const n = clamp(def.defaultValue);
      if (n !== undefined) return n;
    }
    return limits.defaultListSize;
  };

  /** `page`: the page size of the connection whose fields `set` selects (its edges/nodes carry it). */
  const walk = (set: SelectionSetNode, parent: GraphQLCompositeType, depth: number, multiplier: number, page: number | undefined) => {
    for (const sel of set.selections) {
      if (++visits > VISIT_BUDGET) m.cost = Infinity;
      if (m.cost === Infinity) return;
      if (sel.kind === Kind.FIELD) {
        const name = sel.name.value;
        if (depth === 1) m.rootFields = rootKeys.add(sel.alias?.value ?? name).size;
        if (sel.alias) m.aliases++;
        m.depth = Math.max(m.depth, depth);
        if (name === '__typename' || (depth === 1 && (name === '__schema' || name === '__type'))) continue;
        const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
        if (!field) continue; // validation has refused unknown fields already
        m.cost += multiplier * (limits.fieldWeights?.[`${parent.name}.${name}`] ?? 1);
        const type = getNamedType(field.type);
        if (!sel.selectionSet || !isCompositeType(type)) continue;
        const paged = pageSize(field, sel.arguments ?? []);
        const isList = isListType(getNullableType(field.type));
        const items = page !== undefined && (name === 'edges' || name === 'nodes') ? page : undefined;
        const factor = paged !== undefined ? (isList ? paged : 1) : (items ?? (isList ? limits.defaultListSize : 1));
        walk(sel.selectionSet, type, depth + 1, multiplier * factor, paged !== undefined && !isList ? paged : undefined);
      } else {
        const fragment = sel.kind === Kind.FRAGMENT_SPREAD ? fragments.get(sel.name.value) : sel;
        if (!fragment) continue;
        const onType = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : parent;
        walk(fragment.selectionSet, isCompositeType(onType) ? onType : parent, depth, multiplier, page);
      }
    }
  };

  const root = schema.getRootType(operation.operation);
  if (root) walk(operation.selectionSet, root, 1, 1, undefined);
  return m;
}

/**
 * Why an operation is refused, as plain data: verdicts are cached, and a cached GraphQLError would
 * keep V8's unformatted stack frames (and through them the request that was being resolved)
 * alive for as long as the entry stays.
 */
export interface Refusal {
  message: string;
  extensions: { code: string; limit: number; actual: number | null; http: { status: number } };
}

/** The first limit an operation breaks (HTTP 400), or null. */
export function limitError(m: OperationMeasures, limits: OperationLimits): Refusal | null {
  const over = (code: string, message: string, limit: number, actual: number): Refusal => ({
    message,
    extensions: { code, limit, actual: Number.isFinite(actual) ? actual : null, http: { status: 400 } },
  });
  if (m.depth > limits.maxDepth) return over(ErrorCode.OPERATION_TOO_DEEP, `Operation is nested ${m.depth} levels deep; the limit is ${limits.maxDepth}`, limits.maxDepth, m.depth);
  if (m.aliases > limits.maxAliases) return over(ErrorCode.TOO_MANY_ALIASES, `Operation uses ${m.aliases} aliases; the limit is ${limits.maxAliases}`, limits.maxAliases, m.aliases);
  if (m.rootFields > limits.maxRootFields) return over(ErrorCode.TOO_MANY_ROOT_FIELDS, `Operation selects ${m.rootFields} root fields; the limit is ${limits.maxRootFields}`, limits.maxRootFields, m.rootFields);
  if (m.cost > limits.maxCost) {
    const shown = Number.isFinite(m.cost) ? String(m.cost) : 'too many';
    return over(ErrorCode.OPERATION_TOO_COMPLEX, `Operation cost is estimated at ${shown}; the limit is ${limits.maxCost}`, limits.maxCost, m.cost);
  }
  return null;
}

// graphql 16 words it "more that N tokens"; 17 fixes the typo.
const TOKEN_LIMIT_MESSAGE = /^Syntax Error: Document contains more th(?:an|at) \d+ tokens/;

type Resolved = Pick<GraphQLRequestContextDidResolveOperation<object>, 'schema' | 'document' | 'operation' | 'queryHash' | 'operationName' | 'request'>;

/**
 * Refuses an operation over any limit before the gateway plans it, so no subgraph is called.
 * Runs in `didResolveOperation` (the document is parsed and valid). The verdict is cached per
 * document hash and operation name (and the values of variables that change the cost), so a
 * persisted or repeated document is measured once. `costOf` gives other plugins (the rate
 * limiter) the same estimate from the same cache, whatever order the plugins run in: 0 for an
 * operation the limits refuse (nothing reaches a subgraph).
 */
export function operationLimits(limits: OperationLimits, cacheSize = 5000): ApolloServerPlugin & { costOf: (rc: Resolved) => number } {
  const measured = boundedMap<string, string[]>(cacheSize); // document → its cost variables
  const verdicts = boundedMap<string, { cost: number; refusal: Refusal | null }>(cacheSize);
  const verdictOf = ({ schema, document, operation, queryHash, operationName, request }: Resolved) => {
    if (!operation) return undefined;
    const docKey = `${queryHash}:${operationName ?? ''}`;
    const variables = request.variables ?? {};
    const keyOf = (names: string[]) => `${docKey}:${JSON.stringify(names.map((n) => variables[n] ?? null))}`;
    const known = measured.get(docKey);
    let verdict = known ? verdicts.get(keyOf(known)) : undefined;
    if (!verdict) {
      const m = measureOperation(schema, document, operation, variables, limits);
      verdict = { cost: m.cost, refusal: limitError(m, limits) };
      measured.set(docKey, m.costVariables);
      verdicts.set(keyOf(m.costVariables), verdict);
    }
    return verdict;
  };
  return {
    costOf: (rc) => {
      const verdict = verdictOf(rc);
      return !verdict ? 1 : verdict.refusal ? 0 : verdict.cost;
    },
    async requestDidStart() {
      return {
        async didResolveOperation(rc) {
          const refusal = verdictOf(rc)?.refusal;
          if (!refusal) return;
          rejected.inc({ code: refusal.extensions.code });
          throw new GraphQLError(refusal.message, { extensions: { ...refusal.extensions, http: { ...refusal.extensions.http } } }); // a fresh error per response
        },
        // The parser enforces maxTokens; give that syntax error the limit's own code.
        async didEncounterErrors({ errors }) {
          for (const error of errors) {
            if (error.extensions.code === ErrorCode.GRAPHQL_PARSE_FAILED && TOKEN_LIMIT_MESSAGE.test(error.message)) {
              Object.assign(error.extensions, { code: ErrorCode.TOO_MANY_TOKENS, limit: limits.maxTokens });
              error.message = `Operation is longer than ${limits.maxTokens} tokens (the limit); parsing stopped there`;
              rejected.inc({ code: ErrorCode.TOO_MANY_TOKENS });
            }
          }
        },
      };
    },
  };
}

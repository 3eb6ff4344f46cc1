import {
  Kind,
  getNamedType,
  isAbstractType,
  isCompositeType,
  isObjectType,
  isInterfaceType,
  type ConstDirectiveNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * The one declaration of Apollo's `@cacheControl` hints. The kit adds it to every subgraph schema
 * that uses them (`withCacheControl`: the subgraph server, composition, codegen), so no subgraph
 * repeats it. Apollo Server's cache-control plugin turns the hints into each answer's
 * Cache-Control header; the gateway caches a response for the smallest max-age its subgraphs
 * allow, and PRIVATE answers per user only. The enum is not part of the public API.
 */
export const CACHE_CONTROL_SDL = `enum CacheControlScope @inaccessible {
  PUBLIC
  PRIVATE
}
directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION
`;

/**
 * A subgraph's SDL with the kit's `@cacheControl` declaration added when it uses the hints. The
 * enum is marked `@inaccessible` where the schema's `@link` imports it (composition refuses the
 * same directive under two names, and Federation 1 schemas have none); one subgraph marking it is
 * enough to keep it out of the public API (schema/compose.test.ts checks the public schema).
 */
export function withCacheControl(typeDefs: string): string {
  if (!/@cacheControl\b/.test(typeDefs)) return typeDefs;
  const link = /@link\(\s*url:\s*"https:\/\/specs\.apollo\.dev\/federation\/v2[^)]*\)/.exec(typeDefs)?.[0];
  const inaccessible = link && /"@inaccessible"/.test(link) ? ' @inaccessible' : '';
  return `${CACHE_CONTROL_SDL.replace(' @inaccessible', inaccessible)}\n${typeDefs}`;
}

export interface CachePolicy {
  maxAge: number;
  scope: 'PUBLIC' | 'PRIVATE';
}

interface Hint {
  maxAge?: number;
  scope?: 'PUBLIC' | 'PRIVATE';
  inheritMaxAge?: boolean;
}

function hintOf(directives: readonly ConstDirectiveNode[] | undefined): Hint | undefined {
  const d = directives?.find((x) => x.name.value === 'cacheControl');
  if (!d) return undefined;
  const arg = (name: string) => d.arguments?.find((a) => a.name.value === name)?.value;
  const maxAge = arg('maxAge');
  const scope = arg('scope');
  const inherit = arg('inheritMaxAge');
  return {
    maxAge: maxAge?.kind === Kind.INT ? Number(maxAge.value) : undefined,
    scope: scope?.kind === Kind.ENUM && (scope.value === 'PUBLIC' || scope.value === 'PRIVATE') ? scope.value : undefined,
    inheritMaxAge: inherit?.kind === Kind.BOOLEAN && inherit.value,
  };
}

const typeHint = (t: GraphQLCompositeType): Hint =>
  hintOf(t.astNode?.directives) ?? t.extensionASTNodes.map((n) => hintOf(n.directives)).find(Boolean) ?? {};

/**
 * The cache policy of one operation from the schema's `@cacheControl` hints, by the rules of
 * Apollo Server's cache-control plugin, worked out from the document alone (for engines without
 * that plugin, i.e. mercurius): a root field or a field returning an object type takes the type's
 * hint, then its own; without either (and without `inheritMaxAge`) it gets `defaultMaxAge` (0 =
 * uncacheable); the operation's maxAge is the smallest of all, and one PRIVATE hint makes it
 * PRIVATE. An entity fetch (`_entities`) takes the hints of the types it asks for. Null when the
 * result must not be cached.
 */
export function cachePolicyOf(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName?: string | null,
  variables: Record<string, unknown> = {},
  defaultMaxAge = 0,
): CachePolicy | null {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
  const root = operation && schema.getRootType(operation.operation);
  if (!operation || !root) return null;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  let maxAge = Infinity;
  let scope: CachePolicy['scope'] = 'PUBLIC';
  const restrict = (h: Hint) => {
    if (h.maxAge !== undefined) maxAge = Math.min(maxAge, h.maxAge);
    if (h.scope === 'PRIVATE') scope = 'PRIVATE';
  };
  /** Object types a selection on an abstract type may reach: named by fragments, or by entity representations. */
  const reachable = (set: SelectionSetNode | undefined, isEntities: boolean): GraphQLCompositeType[] => {
    const names = new Set<string>();
    if (isEntities && Array.isArray(variables.representations)) {
      for (const r of variables.representations) if (typeof r?.__typename === 'string') names.add(r.__typename);
    }
    for (const sel of set?.selections ?? []) if (sel.kind === Kind.INLINE_FRAGMENT && sel.typeCondition) names.add(sel.typeCondition.name.value);
    return [...names].map((n) => schema.getType(n)).filter((t): t is GraphQLCompositeType => isObjectType(t));
  };

  const walk = (set: SelectionSetNode, parent: GraphQLCompositeType, isRoot: boolean) => {
    for (const sel of set.selections) {
      if (sel.kind !== Kind.FIELD) {
        const fragment = sel.kind === Kind.FRAGMENT_SPREAD ? fragments.get(sel.name.value) : sel;
        const on = fragment?.typeCondition ? schema.getType(fragment.typeCondition.name.value) : parent;
        if (fragment) walk(fragment.selectionSet, isCompositeType(on) ? on : parent, isRoot);
        continue;
      }
      if (sel.name.value.startsWith('__')) continue;
      const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[sel.name.value] : undefined;
      if (!field) continue;
      const target = getNamedType(field.type);
      const policy: Hint = {};
      let inherit = false;
      if (isCompositeType(target)) {
        const hints = isAbstractType(target) ? [typeHint(target), ...reachable(sel.selectionSet, field.name === '_entities').map(typeHint)] : [typeHint(target)];
        for (const h of hints) {
          if (h.maxAge !== undefined) policy.maxAge = Math.min(policy.maxAge ?? Infinity, h.maxAge);
          if (h.scope) policy.scope = policy.scope === 'PRIVATE' ? 'PRIVATE' : h.scope;
          inherit ||= !!h.inheritMaxAge && h.maxAge === undefined;
        }
      }
      const own = hintOf(field.astNode?.directives) ?? {};
      if (own.inheritMaxAge && policy.maxAge === undefined) inherit = true;
      else Object.assign(policy, Object.fromEntries(Object.entries(own).filter(([, v]) => v !== undefined && v !== false)));
      if (own.scope) policy.scope = own.scope;
      if (policy.maxAge === undefined && ((isCompositeType(target) && !inherit) || isRoot)) policy.maxAge = defaultMaxAge;
      restrict(policy);
      if (sel.selectionSet && isCompositeType(target)) walk(sel.selectionSet, target, false);
    }
  };
  walk(operation.selectionSet, root, true);
  return maxAge > 0 && Number.isFinite(maxAge) ? { maxAge, scope } : null;
}

/**
 * `cachePolicyOf` (first operation) for a parsed document the server keeps (mercurius caches
 * documents, so the gateway's repeated fetches arrive as the same object). The policy depends on the variables only
 * through the entity representations' type names, which are part of the key.
 */
const memo = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, CachePolicy | null>>>();
export function memoizedCachePolicyOf(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> = {}): CachePolicy | null {
  let bySchema = memo.get(schema);
  if (!bySchema) memo.set(schema, (bySchema = new WeakMap()));
  let byDocument = bySchema.get(document);
  if (!byDocument) bySchema.set(document, (byDocument = new Map()));
  const representations = variables.representations;
  let key = '';
  if (Array.isArray(representations)) {
    const names = new Set<string>();
    for (const r of representations) if (typeof r?.__typename === 'string') names.add(r.__typename);
    key = [...names].sort().join(',');
  }
  let policy = byDocument.get(key);
  if (policy === undefined) {
    policy = cachePolicyOf(schema, document, null, variables);
    if (byDocument.size < 64) byDocument.set(key, policy);
  }
  return policy;
}

/** The `Cache-Control` header Apollo Server would send for this policy. */
export function cacheControlHeader(policy: CachePolicy | null): string {
  return policy ? `max-age=${policy.maxAge}, ${policy.scope.toLowerCase()}` : 'no-store';
}

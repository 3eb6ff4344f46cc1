import { createHash } from 'node:crypto';
import { HeaderMap, type ApolloServerPlugin, type GraphQLRequestContext } from '@apollo/server';
import { Kind, visit, type ArgumentNode, type DocumentNode, type ObjectFieldNode, type OperationDefinitionNode } from 'graphql';
import { Counter } from 'prom-client';
import { registry, type Logger } from '@cloudlab/kit';
import type { CacheStore } from '../cache-store';
import type { GatewayContext } from '../context';

export interface ResponseCacheOptions {
  store: CacheStore;
  /** Upper bound on how long an entry lives, whatever its maxAge. */
  maxTtlSeconds: number;
  /** Responses larger than this (as JSON) are not stored. */
  maxEntryBytes: number;
  log: Logger;
}

/** An entry naming more entities than this is not stored (its invalidation would be too costly). */
const MAX_TAGS = 2000;

const results = new Counter({
  name: 'cloudlab_gateway_response_cache_total',
  help: 'Queries by response-cache outcome: hit, miss (then stored), or uncacheable (errors, no policy, too big)',
  labelNames: ['result'],
  registers: [registry],
});
const invalidated = new Counter({
  name: 'cloudlab_gateway_response_cache_invalidated_total',
  help: 'Cached responses deleted because an entity they contain changed, by what said so',
  labelNames: ['by'],
  registers: [registry],
});

/** What the gateway learnt from one request's subgraph fetches. */
interface Fetched {
  /** Entity ids named by `_entities` representations. */
  ids: Set<string>;
  /** The smallest max-age any subgraph answer allowed (undefined: no answer yet). */
  maxAge?: number;
  private: boolean;
}

/** What the subgraph data sources tell the cache (datasource.ts `SubgraphObserver`). */
export interface SubgraphFacts {
  /**
   * Every fetch: an entity fetch names each entity it extends (`representations: [{ __typename, id }]`),
   * so a response is tagged with every product whose stock or rating it shows even when the
   * client did not select `id`.
   */
  fetched(context: object | undefined, variables: Record<string, unknown> | undefined): void;
  /**
   * Every answer, with its `Cache-Control` header (what the subgraph's `@cacheControl` hints came
   * to). The cache decides on these rather than on Apollo's overallCachePolicy, which other
   * plugins may rewrite for the HTTP header.
   */
  answered(context: object | undefined, cacheControl: string | null | undefined): void;
  /** The policy the subgraphs' answers allow, or null when one of them forbids caching. */
  policy(context: object): { maxAge: number; scope: 'PUBLIC' | 'PRIVATE' } | null;
  /** The entity ids the request's fetches named. */
  ids(context: object): Iterable<string>;
}

/** Per-request facts, kept by request context (so they die with the request). */
export function subgraphFacts(): SubgraphFacts {
  const byContext = new WeakMap<object, Fetched>();
  const of = (context: object) => byContext.get(context) ?? byContext.set(context, { ids: new Set(), private: false }).get(context)!;
  return {
    fetched(context, variables) {
      const reps = variables?.representations;
      if (!context || !Array.isArray(reps)) return;
      const { ids } = of(context);
      for (const r of reps) if (typeof (r as { id?: unknown })?.id === 'string') ids.add((r as { id: string }).id.toLowerCase());
    },
    answered(context, cacheControl) {
      if (!context) return;
      const f = of(context);
      const maxAge = /(?:^|,)\s*max-age=(\d+)/.exec(cacheControl ?? '')?.[1];
      f.maxAge = Math.min(f.maxAge ?? Infinity, maxAge === undefined || /no-store/.test(cacheControl ?? '') ? 0 : Number(maxAge));
      if (/(?:^|,)\s*private/.test(cacheControl ?? '')) f.private = true;
    },
    policy(context) {
      const f = byContext.get(context);
      if (!f?.maxAge) return null;
      return { maxAge: f.maxAge, scope: f.private ? 'PRIVATE' : 'PUBLIC' };
    },
    ids: (context) => byContext.get(context)?.ids ?? [],
  };
}

const ID_KEY = /^(id|.*[a-z]Ids?)$/;

/** Ids anywhere in a value: fields named `id`, `…Id` or `…Ids` holding strings (lower-cased: they are UUIDs). */
export function idsIn(value: unknown, into = new Set<string>(), key = ''): Set<string> {
  if (typeof value === 'string') {
    if (ID_KEY.test(key)) into.add(value.toLowerCase());
  } else if (Array.isArray(value)) {
    for (const v of value) idsIn(v, into, key);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) idsIn(v, into, k);
  }
  return into;
}

/** Ids the document passes as arguments, literally or by variable: `product(id: "…")`, `restock(productId: $p)`. */
export function idsInArguments(document: DocumentNode, variables: Record<string, unknown> = {}, into = new Set<string>()): Set<string> {
  const arg = (node: ArgumentNode | ObjectFieldNode) => {
    if (node.value.kind === Kind.STRING) idsIn(node.value.value, into, node.name.value);
    else if (node.value.kind === Kind.VARIABLE) idsIn(variables[node.value.name.value], into, node.name.value);
  };
  visit(document, { Argument: arg, ObjectField: arg });
  return into;
}

/**
 * A listing's tag: every cached query that selects root field `field` (`products`) carries it, so
 * an event that adds to a listing (ProductCreated) can invalidate listings that do not name the
 * new entity yet.
 */
export const listingTag = (field: string) => `query.${field.toLowerCase()}`;

/** The listing tags of an operation's root fields (fields inside root fragments are not seen). */
export function listingTags(operation: Partial<Pick<OperationDefinitionNode, 'selectionSet'>> | undefined, into = new Set<string>()): Set<string> {
  for (const s of operation?.selectionSet?.selections ?? []) if (s.kind === Kind.FIELD) into.add(listingTag(s.name.value));
  return into;
}

/** Same document, operation and variables → same key; key order in the variables does not matter. */
export function cacheKey(queryHash: string, operationName: string | null | undefined, variables: unknown): string {
  return createHash('sha256').update(`${queryHash}\n${operationName ?? ''}\n${stableJson(variables ?? {})}`).digest('base64url');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Whole-response cache for queries, driven by the subgraphs' `Cache-Control` answers (their
 * `@cacheControl` hints; the smallest max-age wins, one private answer makes it PRIVATE, a fetch
 * without a hint makes it uncacheable): PUBLIC responses are shared by every caller, PRIVATE ones
 * are kept per user (never for anonymous callers), anything with errors or without a policy is
 * not stored. Entries are tagged with the entity ids they contain; an event or a mutation through
 * this gateway naming one deletes them (see `invalidate`). A hit answers with `Age` and
 * `x-cache: HIT` before any subgraph is called.
 */
export function responseCache(
  o: ResponseCacheOptions,
): ApolloServerPlugin<GatewayContext> & { invalidate: (ids: Iterable<string>, by: string) => Promise<number>; observer: SubgraphFacts } {
  const facts = subgraphFacts();
  const invalidate = async (ids: Iterable<string>, by: string) => {
    const tags = [...new Set([...ids].map((id) => id.toLowerCase()))];
    if (!tags.length) return 0;
    const n = await o.store.invalidate(tags);
    invalidated.inc({ by }, n);
    return n;
  };
  const keysFor = (rc: GraphQLRequestContext<GatewayContext>) => {
    const key = cacheKey(rc.queryHash ?? '', rc.operationName, rc.request.variables);
    const userId = rc.contextValue.viewer?.userId;
    return { public: `pub:${key}`, private: userId ? `priv:${userId}:${key}` : undefined };
  };

  return {
    invalidate,
    observer: facts,
    async requestDidStart() {
      const startedAt = Date.now();
      let hit = false;
      return {
        async responseForOperation(rc) {
          // `operation` is typed as always set but is undefined when operationName names none.
          if ((rc.operation as typeof rc.operation | undefined)?.operation !== 'query') return null;
          const keys = keysFor(rc);
          const entry = await o.store.get(keys.private ? [keys.public, keys.private] : [keys.public]).catch((err) => {
            o.log.debug({ err }, 'response cache read failed; answering from the subgraphs');
            return undefined;
          });
          if (!entry) return null;
          hit = true;
          results.inc({ result: 'hit' });
          // The header says what it said when the entry was stored, and never public to a signed-in caller.
          rc.overallCachePolicy.replace(entry.http === undefined ? entry : (entry.http ?? { maxAge: 0 }));
          if (rc.request.http?.headers.get('authorization')) rc.overallCachePolicy.restrict({ scope: 'PRIVATE' });
          const age = Math.max(0, Math.floor((Date.now() - entry.storedAt) / 1000));
          return {
            http: { headers: new HeaderMap([['age', String(age)], ['x-cache', 'HIT']]) },
            body: { kind: 'single', singleResult: { data: entry.data as Record<string, unknown> } },
          };
        },
        async willSendResponse(rc) {
          const op = rc.operation?.operation;
          if (hit || !op || rc.response.body.kind !== 'single') return;
          const { data, errors } = rc.response.body.singleResult;
          const ids = () => {
            const found = idsIn(rc.request.variables, idsIn(data, new Set(facts.ids(rc.contextValue))));
            return rc.document ? idsInArguments(rc.document, rc.request.variables, found) : found;
          };
          if (op === 'mutation') {
            // Read-your-writes for this caller: what the mutation named is stale from now on.
            if (!errors) await invalidate(ids(), 'mutation').catch((err) => o.log.warn({ err }, 'response cache invalidation failed'));
            return;
          }
          if (op !== 'query') return;
          rc.response.http.headers.set('x-cache', 'MISS');
          const policy = facts.policy(rc.contextValue);
          const userId = rc.contextValue.viewer?.userId;
          if (errors || !data || !policy || (policy.scope === 'PRIVATE' && !userId)) return void results.inc({ result: 'uncacheable' });
          const tags = listingTags(rc.operation, ids());
          const http = rc.overallCachePolicy.policyIfCacheable();
          const entry = { data, maxAge: policy.maxAge, scope: policy.scope, storedAt: Date.now(), http: http && { maxAge: http.maxAge, scope: http.scope } };
          if (tags.size > MAX_TAGS || JSON.stringify(entry).length > o.maxEntryBytes) return void results.inc({ result: 'uncacheable' });
          const keys = keysFor(rc);
          const key = policy.scope === 'PRIVATE' ? keys.private! : keys.public;
          const ttlMs = Math.min(policy.maxAge, o.maxTtlSeconds) * 1000;
          results.inc({ result: 'miss' });
          await o.store.set(key, entry, ttlMs, [...tags], startedAt).catch((err) => o.log.debug({ err }, 'response cache write failed'));
        },
      };
    },
  };
}

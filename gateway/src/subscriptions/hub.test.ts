import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { GraphQLDataSource } from '@apollo/gateway';
import { Supergraph } from '@apollo/federation-internals';
import { QueryPlanner } from '@apollo/query-planner';
import { parse, type ExecutionResult } from 'graphql';
import type { Sink } from 'graphql-ws';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@cloudlab/kit';
import type { GatewayContext } from '../context';
import { FIRST_PARTY_WEB } from '../plugins/api-keys';
import { coalescingServices, type EventPayload } from './execute-event';
import { SubscriptionHub } from './hub';
import { SubscriptionPlanner } from './planner';
import type { UpstreamPool, UpstreamRequest } from './upstream';

const sdl = readFileSync(path.join(__dirname, '..', '..', '..', 'schema', 'supergraph.graphql'), 'utf8');
const STOCK = parse(`subscription S($ids: [ID!]!) { stockChanged(productIds: $ids) { productId available product { name } } }`);

/** A subgraph side the test drives by hand, and a catalog that counts its `_entities` fetches. */
function setup(opts: { dedupe?: boolean } = {}) {
  // What @apollo/gateway holds once it has loaded the supergraph (the planner reads its planner and schemas).
  const supergraph = Supergraph.build(sdl);
  const loaded = {
    queryPlanner: new QueryPlanner(supergraph),
    apiSchema: supergraph.apiSchema(),
    schema: supergraph.apiSchema().toGraphQLJSSchema(),
    supergraphSchema: supergraph.schema.toGraphQLJSSchema(),
    onSchemaLoadOrUpdate: (listener: () => void) => listener(),
  };
  const planner = new SubscriptionPlanner(loaded);
  const upstream: { req: UpstreamRequest; sink: Sink<EventPayload>; released: boolean }[] = [];
  const pool = {
    subscribe(req: UpstreamRequest, sink: Sink<EventPayload>) {
      const entry = { req, sink, released: false };
      upstream.push(entry);
      return () => void (entry.released = true);
    },
  } as unknown as UpstreamPool;
  const catalogFetches: unknown[] = [];
  const catalog: GraphQLDataSource = {
    async process({ request }) {
      catalogFetches.push(request.variables);
      await new Promise((r) => setTimeout(r, 5));
      const reps = request.variables!.representations as { id: string }[];
      return { data: { _entities: reps.map((r) => ({ name: `name of ${r.id}` })) } };
    },
  };
  const hub = new SubscriptionHub({
    planner,
    upstream: pool,
    services: coalescingServices(new Map([['catalog', catalog]])),
    urls: () => new Map([['inventory', 'http://inventory/graphql']]),
    log: createLogger('test', 'silent'),
    dedupe: opts.dedupe ?? true,
    maxQueue: 10,
  });
  const context: GatewayContext = { viewer: null, client: FIRST_PARTY_WEB };
  const subscribe = (ids: string[]) => {
    let ended = 0;
    const stream = hub.subscribe({ schema: planner.schema!, document: STOCK, variableValues: { ids }, contextValue: context }, () => ended++);
    return { stream: stream as AsyncGenerator<ExecutionResult>, ended: () => ended };
  };
  const event = (i: number, productId: string, available: number) =>
    upstream[i]!.sink.next({ data: { stockChanged: { productId, available, product: { __typename: 'Product', id: productId } } } });
  return { hub, upstream, catalogFetches, subscribe, event };
}

describe('subscriptions through the supergraph', () => {
  it('subscribes at the subgraph that owns the root field, with only the fields it owns', () => {
    const { upstream, subscribe } = setup();
    subscribe(['p1']);
    expect(upstream).toHaveLength(1);
    expect(upstream[0]!.req).toMatchObject({ subgraph: 'inventory', url: 'http://inventory/graphql', variables: { ids: ['p1'] } });
    // catalog's `name` is not asked of inventory: it is fetched per event, by key.
    expect(upstream[0]!.req.query).toBe('subscription S__inventory__0($ids:[ID!]!){stockChanged(productIds:$ids){productId available product{__typename id}}}');
  });

  it('resolves each event’s catalog fields through _entities and shapes the result like a query', async () => {
    const { subscribe, event, catalogFetches } = setup();
    const { stream } = subscribe(['p1']);
    event(0, 'p1', 7);
    expect((await stream.next()).value).toEqual({ data: { stockChanged: { productId: 'p1', available: 7, product: { name: 'name of p1' } } } });
    expect(catalogFetches).toEqual([{ representations: [{ __typename: 'Product', id: 'p1' }] }]);
  });

  it('shares one upstream subscription and one resolution per event between identical subscriptions', async () => {
    const { subscribe, event, upstream, catalogFetches } = setup();
    const subs = Array.from({ length: 50 }, () => subscribe(['p1']));
    expect(upstream).toHaveLength(1);
    event(0, 'p1', 3);
    for (const { stream } of subs) expect((await stream.next()).value).toMatchObject({ data: { stockChanged: { available: 3 } } });
    expect(catalogFetches).toHaveLength(1);
  });

  it('gives a subscriber that joins a running group its latest result first', async () => {
    const { subscribe, event } = setup();
    const early = subscribe(['p1']);
    event(0, 'p1', 4);
    await early.stream.next();
    const late = subscribe(['p1']);
    expect((await late.stream.next()).value).toMatchObject({ data: { stockChanged: { available: 4 } } });
  });

  it('coalesces identical entity fetches of different subscriptions resolving the same event', async () => {
    const { subscribe, event, upstream, catalogFetches } = setup({ dedupe: false });
    const subs = Array.from({ length: 20 }, () => subscribe(['p1']));
    expect(upstream).toHaveLength(20);
    for (let i = 0; i < 20; i++) event(i, 'p1', 9);
    for (const { stream } of subs) expect((await stream.next()).value).toMatchObject({ data: { stockChanged: { product: { name: 'name of p1' } } } });
    expect(catalogFetches).toHaveLength(1);
  });

  it('releases the upstream subscription when the last member leaves', async () => {
    const { subscribe, upstream, hub } = setup();
    const [a, b] = [subscribe(['p1']), subscribe(['p1'])];
    await a.stream.return(undefined);
    expect(upstream[0]!.released).toBe(false);
    await b.stream.return(undefined);
    expect(upstream[0]!.released).toBe(true);
    expect([a.ended(), b.ended()]).toEqual([1, 1]);
    expect(hub.size).toBe(0);
  });

  it('passes a refusal from the subgraph on to every member, then completes them', async () => {
    const { subscribe, upstream } = setup();
    const { stream } = subscribe(['p1']);
    upstream[0]!.sink.next({ errors: [{ message: 'You may not', extensions: { code: 'FORBIDDEN' } }] });
    upstream[0]!.sink.complete();
    const first = (await stream.next()).value as ExecutionResult;
    expect(first.data).toBeNull();
    expect(first.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', serviceName: 'inventory' });
    expect((await stream.next()).done).toBe(true);
    expect(upstream[0]!.released).toBe(true);
  });

  it('tells members when the subgraph connection is lost for good', async () => {
    const { subscribe, upstream } = setup();
    const { stream } = subscribe(['p1']);
    upstream[0]!.sink.error({ code: 1006, reason: '' });
    const result = (await stream.next()).value as ExecutionResult;
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'inventory' });
    expect((await stream.next()).done).toBe(true);
  });
});

import { randomUUID } from 'node:crypto';
import type { ServiceMap } from '@apollo/gateway';
import { GraphQLError, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { ErrorCode, pushIterator, type Logger, type PushIterator } from '@cloudlab/kit';
import type { GatewayContext } from '../context';
import { executeEvent, viewerKey, type EventPayload } from './execute-event';
import { subscriptionMetrics } from './metrics';
import { printed, type SubscriptionPlan, type SubscriptionPlanner } from './planner';
import type { UpstreamPool } from './upstream';

export interface HubOptions {
  planner: SubscriptionPlanner;
  upstream: UpstreamPool;
  /** The gateway's data sources by subgraph name, wrapped for coalescing. */
  services: () => ServiceMap;
  urls: () => Map<string, string>;
  log: Logger;
  /** Share one upstream subscription between identical client subscriptions. */
  dedupe: boolean;
  /** Results a slow client may have queued before its subscription is ended. */
  maxQueue: number;
}

/**
 * Client subscriptions that are identical (same operation, variables and caller) form one
 * group: one subscription at the subgraph, one resolution of each event through the
 * supergraph, and the same result fanned out to every member. A member that joins a running
 * group first gets the group's latest result, so it starts from the state the others are in.
 */
class Group {
  readonly members = new Set<PushIterator<ExecutionResult>>();
  latest: ExecutionResult | undefined;
  private tail: Promise<void> = Promise.resolve();
  private release: (() => void) | undefined;
  private done = false;

  constructor(
    private readonly hub: SubscriptionHub,
    readonly key: string,
    private readonly plan: SubscriptionPlan,
    private readonly request: { variables: Record<string, unknown>; context: GatewayContext },
  ) {}

  open(url: string): void {
    const { primary } = this.plan;
    const variables: Record<string, unknown> = {};
    for (const name of primary.variableUsages ?? []) {
      if (this.request.variables[name] !== undefined) variables[name] = this.request.variables[name];
    }
    this.release = this.hub.opts.upstream.subscribe(
      { subgraph: primary.serviceName, url, viewer: this.request.context.viewer, query: primary.operation, operationName: primary.operationName, variables },
      {
        // Events are resolved as they come (a slow entity fetch does not hold up the next
        // event's) but delivered one after another, so members see them in the subgraph's order.
        next: (payload) => {
          if (this.done) return;
          const resolved = this.resolve(payload);
          this.then(async () => this.deliver(await resolved));
        },
        error: (err) => this.then(() => this.finish(upstreamError(err, primary.serviceName))),
        complete: () => this.then(() => this.finish()),
      },
    );
  }

  private then(step: () => Promise<void> | void): void {
    if (this.done) return;
    this.tail = this.tail.then(step).catch((err) => this.hub.opts.log.error({ err }, 'subscription event failed'));
  }

  private async resolve(payload: EventPayload): Promise<ExecutionResult> {
    try {
      return await executeEvent(this.plan, payload, { ...this.request, log: this.hub.opts.log }, this.hub.opts.services());
    } catch (err) {
      this.hub.opts.log.error({ err }, 'resolving a subscription event failed');
      return { data: null, errors: [new GraphQLError('Internal server error', { extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } })] };
    }
  }

  private deliver(result: ExecutionResult): void {
    if (this.done) return;
    this.latest = result;
    for (const member of this.members) member.push(result);
    subscriptionMetrics.deliveries.inc(this.members.size);
  }

  /** The subgraph ended the subscription (or it failed): members get the error, then complete. */
  private finish(error?: GraphQLError): void {
    if (this.done) return;
    const members = [...this.members];
    this.close();
    for (const member of members) {
      if (error) member.push({ data: null, errors: [error] });
      member.end();
    }
  }

  leave(member: PushIterator<ExecutionResult>): void {
    if (this.members.delete(member) && this.members.size === 0) this.close();
  }

  private close(): void {
    if (this.done) return;
    this.done = true;
    this.members.clear();
    this.hub.forget(this);
    this.release?.();
  }
}

export class SubscriptionHub {
  private readonly groups = new Map<string, Group>();

  constructor(readonly opts: HubOptions) {}

  /**
   * graphql-ws's `subscribe`: the client's stream of results, or a result with errors when the
   * operation cannot be served. `onEnd` runs once when the stream ends for any reason.
   */
  subscribe(args: ExecutionArgs, onEnd: () => void): AsyncGenerator<ExecutionResult> | ExecutionResult {
    const context = args.contextValue as GatewayContext;
    let plan: SubscriptionPlan;
    try {
      plan = this.opts.planner.plan(args.document, args.operationName ?? undefined);
    } catch (err) {
      onEnd();
      return { errors: [err instanceof GraphQLError ? err : new GraphQLError((err as Error).message, { extensions: { code: ErrorCode.BAD_USER_INPUT } })] };
    }
    const subgraph = plan.primary.serviceName;
    const url = this.opts.urls().get(subgraph);
    if (!url) {
      onEnd();
      return { errors: [new GraphQLError(`Subgraph "${subgraph}" has no URL`, { extensions: { code: ErrorCode.SUBGRAPH_UNAVAILABLE, serviceName: subgraph } })] };
    }
    const variables = (args.variableValues ?? {}) as Record<string, unknown>;
    const key = this.opts.dedupe
      ? JSON.stringify([args.operationName ?? null, printed(args.document), sortedJson(variables), viewerKey(context)])
      : randomUUID();

    let group = this.groups.get(key);
    const fresh = !group;
    if (!group) {
      group = new Group(this, key, plan, { variables, context });
      this.groups.set(key, group);
    }
    const joined = group;
    subscriptionMetrics.subscriptions.inc({ subgraph });
    const member = pushIterator<ExecutionResult>({
      maxQueue: this.opts.maxQueue,
      onClose: () => {
        joined.leave(member);
        subscriptionMetrics.subscriptions.dec({ subgraph });
        onEnd();
      },
    });
    joined.members.add(member);
    if (fresh) joined.open(url);
    else if (joined.latest) member.push(joined.latest);
    // A member that falls maxQueue results behind ends with an error (graphql-ws sends it).
    return member;
  }

  forget(group: Group): void {
    if (this.groups.get(group.key) === group) this.groups.delete(group.key);
  }

  get size(): number {
    return this.groups.size;
  }
}

function upstreamError(err: unknown, serviceName: string): GraphQLError {
  if (Array.isArray(err) && err.length) {
    const first = err[0] as { message?: string; extensions?: Record<string, unknown> };
    return new GraphQLError(first.message ?? 'Subscription failed', { extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, ...first.extensions, serviceName } });
  }
  const close = err as { code?: number; reason?: string; message?: string };
  const reason = close.reason || close.message || (close.code ? `connection closed (${close.code})` : 'connection failed');
  return new GraphQLError(`Subgraph "${serviceName}" is unavailable: ${reason}`, { extensions: { code: ErrorCode.SUBGRAPH_UNAVAILABLE, serviceName } });
}

/** JSON with object keys sorted, so `{a, b}` and `{b, a}` make the same group key. */
function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}

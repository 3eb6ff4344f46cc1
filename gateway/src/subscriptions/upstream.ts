import { createClient, type Client, type Sink } from 'graphql-ws';
import WebSocket from 'ws';
import { IDENTITY_HEADER, gatewayAuthHeaders, identitySigner, type Logger, type Viewer } from '@cloudlab/kit';
import { viewerKey } from './execute-event';
import type { EventPayload } from './execute-event';
import { subscriptionMetrics } from './metrics';

export interface UpstreamRequest {
  subgraph: string;
  /** The subgraph's HTTP URL; graphql-ws runs on the same URL with ws:// or wss://. */
  url: string;
  viewer: Viewer | null;
  query: string;
  operationName?: string;
  variables: Record<string, unknown>;
}

/**
 * graphql-ws clients from the gateway to subgraphs: one connection per (subgraph, caller),
 * because the caller's identity travels once per connection (`connectionParams`, signed with
 * INTERNAL_SECRET, freshly at every (re)connect) and is then multiplexed over by all of that
 * caller's subscriptions. A connection closes as soon as its last subscription ends; a dropped
 * one is reopened with backoff and its subscriptions resubscribed (events in the gap are lost:
 * subscriptions are live, not replayed).
 */
export class UpstreamPool {
  private readonly clients = new Map<string, { client: Client; refs: number; subgraph: string }>();

  private readonly sign?: (viewer: Viewer) => Promise<string>;

  constructor(private readonly opts: { secret: string | undefined; log: Logger; retryAttempts?: number }) {
    this.sign = opts.secret ? identitySigner(opts.secret) : undefined;
  }

  /** Opens the subscription; returns the function that ends it (idempotent). */
  subscribe(req: UpstreamRequest, sink: Sink<EventPayload>): () => void {
    const key = `${req.subgraph}\n${req.url}\n${viewerKey({ viewer: req.viewer })}`;
    let entry = this.clients.get(key);
    if (!entry) {
      entry = { client: this.connect(req), refs: 0, subgraph: req.subgraph };
      this.clients.set(key, entry);
      subscriptionMetrics.upstreamConnections.inc({ subgraph: req.subgraph });
    }
    entry.refs++;
    subscriptionMetrics.upstream.inc({ subgraph: req.subgraph });
    const stop = entry.client.subscribe<Record<string, unknown>>(
      { query: req.query, operationName: req.operationName, variables: req.variables },
      {
        next: (value) => {
          subscriptionMetrics.events.inc({ subgraph: req.subgraph });
          sink.next(value as EventPayload);
        },
        error: (err) => sink.error(err),
        complete: () => sink.complete(),
      },
    );
    let released = false;
    return () => {
      if (released) return;
      released = true;
      stop();
      subscriptionMetrics.upstream.dec({ subgraph: req.subgraph });
      const current = this.clients.get(key);
      if (current && --current.refs === 0) {
        this.clients.delete(key);
        subscriptionMetrics.upstreamConnections.dec({ subgraph: req.subgraph });
        // After the `complete` message above has gone out.
        setImmediate(() => void current.client.dispose());
      }
    };
  }

  async close(): Promise<void> {
    const all = [...this.clients.values()];
    this.clients.clear();
    for (const { subgraph } of all) subscriptionMetrics.upstreamConnections.dec({ subgraph });
    await Promise.all(all.map(({ client }) => client.dispose()));
  }

  private connect(req: UpstreamRequest): Client {
    const url = req.url.replace(/^http/, 'ws');
    const { log } = this.opts;
    const sign = this.sign;
    return createClient({
      url,
      webSocketImpl: WebSocket,
      lazy: true,
      // Subgraphs refuse a connection without the gateway credential (kit/gateway-auth.ts).
      connectionParams: async () => ({
        ...gatewayAuthHeaders(this.opts.secret),
        ...(req.viewer && sign ? { [IDENTITY_HEADER]: await sign(req.viewer) } : {}),
      }),
      // A restarting subgraph is worth waiting for (≈ 4 min with the default backoff), then
      // the subscribers get SUBGRAPH_UNAVAILABLE and may resubscribe.
      retryAttempts: this.opts.retryAttempts ?? 8,
      shouldRetry: () => true,
      keepAlive: 10_000,
      on: {
        error: (err) => log.debug({ err, url }, 'upstream graphql-ws connection error'),
        closed: (event) => {
          const { code, reason } = (event ?? {}) as { code?: number; reason?: string };
          if (code !== 1000) log.debug({ url, code, reason }, 'upstream graphql-ws connection closed');
        },
      },
    });
  }
}

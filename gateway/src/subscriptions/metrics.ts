import { Counter, Gauge } from 'prom-client';
import { registry } from '@cloudlab/kit';

/** What /metrics shows about live traffic; tests and dashboards read these names. */
export const subscriptionMetrics = {
  connections: new Gauge({
    name: 'cloudlab_gateway_ws_connections',
    help: 'Open graphql-ws connections from clients',
    registers: [registry],
  }),
  subscriptions: new Gauge({
    name: 'cloudlab_gateway_subscriptions',
    help: 'Active client subscriptions, by root subgraph',
    labelNames: ['subgraph'],
    registers: [registry],
  }),
  upstream: new Gauge({
    name: 'cloudlab_gateway_upstream_subscriptions',
    help: 'Subscriptions the gateway holds open at subgraphs (identical client subscriptions share one), by subgraph',
    labelNames: ['subgraph'],
    registers: [registry],
  }),
  upstreamConnections: new Gauge({
    name: 'cloudlab_gateway_upstream_connections',
    help: 'graphql-ws connections from the gateway to subgraphs (one per subgraph and caller identity)',
    labelNames: ['subgraph'],
    registers: [registry],
  }),
  events: new Counter({
    name: 'cloudlab_gateway_subscription_events_total',
    help: 'Events received from subgraph subscriptions, by subgraph',
    labelNames: ['subgraph'],
    registers: [registry],
  }),
  deliveries: new Counter({
    name: 'cloudlab_gateway_subscription_deliveries_total',
    help: 'Results queued for client subscriptions (events × subscribers)',
    registers: [registry],
  }),
  entityFetches: new Counter({
    name: 'cloudlab_gateway_subscription_entity_fetches_total',
    help: 'Subgraph fetches made to resolve events, by subgraph and whether an identical in-flight fetch was reused',
    labelNames: ['subgraph', 'coalesced'],
    registers: [registry],
  }),
  rejected: new Counter({
    name: 'cloudlab_gateway_subscriptions_rejected_total',
    help: 'Subscriptions refused at the edge, by reason',
    labelNames: ['reason'],
    registers: [registry],
  }),
};

import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

/** One Prometheus registry per process, served at /metrics. */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const dbStatements = new Counter({
  name: 'cloudlab_db_statements_total',
  help: 'SQL statements sent to PostgreSQL by this process, by what sent them (graphql requests, events)',
  labelNames: ['source'],
  registers: [registry],
});

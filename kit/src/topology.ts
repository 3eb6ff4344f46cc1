/**
 * The subgraphs of the Cloud Lab supergraph and their default ports (gateway: 4000). Composition,
 * `pnpm start` and the end-to-end tests all read this one list.
 */
export const SUBGRAPHS = [
  { name: 'accounts', port: 4001 },
  { name: 'catalog', port: 4002 },
  { name: 'inventory', port: 4003 },
  { name: 'reviews', port: 4004 },
  { name: 'orders', port: 4005 },
  { name: 'payments', port: 4006 },
  { name: 'analytics', port: 4007 },
  { name: 'notifications', port: 4008 },
  { name: 'search', port: 4009 },
  { name: 'content', port: 4010 },
] as const;

export type SubgraphName = (typeof SUBGRAPHS)[number]['name'];

export const defaultSubgraphUrl = (port: number) => `http://127.0.0.1:${port}/graphql`;

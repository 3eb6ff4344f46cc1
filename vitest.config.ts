import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (tests beside the code, no processes) and `e2e` (test/: starts the whole
 * supergraph as real processes once, then talks HTTP to it like a client).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{kit,gateway,subgraphs,schema,ops,clients}/**/*.test.ts'],
          exclude: ['**/node_modules/**'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/**/*.e2e.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          // One shared stack; some tests stop a subgraph, so files run one after another.
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});

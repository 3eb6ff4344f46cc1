import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generate, type CodegenConfig } from '@graphql-codegen/cli';
import { subgraphFiles } from '@cloudlab/kit/server/files';
import { SUBGRAPHS as TOPOLOGY } from '@cloudlab/kit/topology';
import { PUBLIC_SCHEMA_FILE, buildManifest } from '../clients/persisted';

/**
 * GraphQL Code Generator: resolver types for every subgraph (parents mapped to the store's row
 * types, context = the kit's SubgraphContext with that subgraph's loaders) and result types for
 * the first-party operations the public schema serves. `pnpm codegen` writes them;
 * schema/codegen.test.ts fails when the committed files are stale.
 */
const ROOT = path.join(__dirname, '..');

/**
 * Row types per subgraph: `GraphQL type → TypeScript type` (from the subgraph's src/ folder). A
 * subgraph without an entry gets the GraphQL types as parents (a fresh `pnpm new-subgraph`).
 */
const SUBGRAPH_MAPPERS: Record<string, Record<string, string>> = {
  accounts: { User: '../store#UserRow', Vendor: '../store#VendorRow' },
  catalog: {
    Product: '../store#ProductRow',
    Category: '../store#CategoryRow',
    Vendor: '@cloudlab/kit#EntityRef',
    ProductConnection: '@cloudlab/kit#LazyConnection<ProductRow>',
  },
  inventory: {
    Warehouse: '../store#WarehouseRow',
    Product: '@cloudlab/kit#EntityRef',
    StockChange: "@cloudlab/kit/events#EventData<'StockChanged'>",
  },
  orders: {
    Order: '../store#OrderRow',
    OrderLine: '../store#LineRow',
    OrderEvent: '../store#EventRow',
    Shipment: '../store#ShipmentRow',
    User: '@cloudlab/kit#EntityRef',
    Vendor: '@cloudlab/kit#EntityRef',
    Product: '@cloudlab/kit#EntityRef',
    OrderConnection: '@cloudlab/kit#LazyConnection<OrderRow>',
  },
  notifications: {
    Notification: '../store#NotificationRow',
    NotificationConnection: '../store#NotificationPage',
    User: '@cloudlab/kit#EntityRef',
  },
  payments: { Payment: '../store#PaymentRow', Order: '@cloudlab/kit#EntityRef' },
  reviews: {
    Review: '../store#ReviewRow',
    Product: '@cloudlab/kit#EntityRef',
    User: '@cloudlab/kit#EntityRef',
    ReviewConnection: '@cloudlab/kit#LazyConnection<ReviewRow>',
  },
  content: { Media: '../store#MediaRow', MediaVariant: '../variants#StoredVariant', Product: '@cloudlab/kit#EntityRef' },
  analytics: {
    SalesReport: '../sales-report#Report',
    PlatformStats: '../reports#Platform',
    Vendor: '@cloudlab/kit#EntityRef',
    Product: '@cloudlab/kit#EntityRef',
  },
};

export const SUBGRAPHS = TOPOLOGY.map((s) => s.name);

const config: CodegenConfig = {
  overwrite: true,
  silent: true,
  generates: {
    ...Object.fromEntries(
      SUBGRAPHS.map((name) => [
        path.join(ROOT, 'subgraphs', name, 'src', 'generated', 'resolvers.ts'),
        {
          // The SDL as the subgraph serves it, with the kit's declarations (`@cacheControl`).
          schema: subgraphFiles(path.join(ROOT, 'subgraphs', name, 'src')).typeDefs,
          plugins: ['typescript', 'typescript-resolvers'],
          config: {
            federation: true,
            useTypeImports: true,
            contextType: '../loaders#Context',
            mappers: SUBGRAPH_MAPPERS[name] ?? {},
            enumsAsTypes: true,
            scalars: { ID: 'string' },
            useIndexSignature: false,
            avoidOptionals: false,
          },
        },
      ]),
    ),
    // Only what the public schema serves today (the persisted-query manifest); pending operations
    // get their types when they leave clients/pending-operations.json.
    [path.join(ROOT, 'clients', 'generated', 'operations.ts')]: {
      schema: PUBLIC_SCHEMA_FILE,
      documents: buildManifest().manifest.operations.map((o) => o.body),
      // typescript-operations 6 writes the enums and inputs the operations use by itself.
      plugins: ['typescript-operations'],
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { ID: 'string' },
        avoidOptionals: { field: true, inputValue: false, object: true },
      },
    },
  },
};

export default config;

/** Every generated file (path and text), in memory: nothing is written. */
export async function generateAll(): Promise<{ filename: string; content: string }[]> {
  return generate({ ...config, silent: true }, false);
}

if (require.main === module) {
  void generateAll().then((files) => {
    for (const file of files) {
      mkdirSync(path.dirname(file.filename), { recursive: true });
      writeFileSync(file.filename, file.content);
      console.log(`wrote ${path.relative(process.cwd(), file.filename)}`);
    }
  });
}

import path from 'node:path';
import type { PersistedQueryManifest } from '../persisted';

/** The SDK's operation table, written by `pnpm persisted` beside the manifest. */
export const SDK_OPERATIONS_FILE = path.join(__dirname, 'src', 'operations.ts');

const SUFFIX = { query: 'Query', mutation: 'Mutation', subscription: 'Subscription' } as const;

/** Every manifest operation: its id and kind, and its result and variables types (GraphQL Code Generator's). */
export function renderSdkOperations(manifest: PersistedQueryManifest): string {
  const lines = [
    '// Written by `pnpm persisted` from clients/persisted-query-manifest.json: do not edit.',
    "import type * as Ops from '../../generated/operations';",
    '',
    'export const OPERATIONS = {',
    ...manifest.operations.map((op) => `  ${op.name}: { id: '${op.id}', type: '${op.type}' },`),
    '} as const;',
    '',
    'export interface OperationTypes {',
    ...manifest.operations.map((op) => {
      const t = `${op.name}${SUFFIX[op.type]}`;
      return `  ${op.name}: { result: Ops.${t}; variables: Ops.${t}Variables };`;
    }),
    '}',
  ];
  return lines.join('\n') + '\n';
}

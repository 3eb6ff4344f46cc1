import path from 'node:path';
import type { PersistedQueryManifest } from '../persisted';

/** The web app's documents: one per manifest operation, written by `pnpm persisted`. */
export const WEB_DOCUMENTS_FILE = path.join(__dirname, 'src', 'generated', 'documents.ts');

const SUFFIX = { query: 'Query', mutation: 'Mutation', subscription: 'Subscription' } as const;

/**
 * Every operation of the manifest as a typed document that carries only its kind, name and
 * manifest id (no selection set, no query text): the app sends the id, never a document. The
 * result and variables types are GraphQL Code Generator's (clients/generated/operations.ts).
 */
export function renderWebDocuments(manifest: PersistedQueryManifest): string {
  const lines = [
    '// Written by `pnpm persisted` from clients/persisted-query-manifest.json: do not edit.',
    "import type * as Ops from '../../../generated/operations';",
    "import { persisted } from '../persisted-document';",
    '',
  ];
  for (const op of manifest.operations) {
    const t = `${op.name}${SUFFIX[op.type]}`;
    lines.push(`export const ${op.name} = persisted<Ops.${t}, Ops.${t}Variables>('${op.type}', '${op.name}', '${op.id}');`);
  }
  return lines.join('\n') + '\n';
}

import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  Kind,
  buildSchema,
  parse,
  print,
  validate,
  visit,
  type DefinitionNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { WEB_DOCUMENTS_FILE, renderWebDocuments } from './web/documents';
import { SDK_OPERATIONS_FILE, renderSdkOperations } from './sdk/generate';

export const OPERATIONS_DIR = path.join(__dirname, 'operations');
/** The web app's own operations (beyond the contract, which clients/operations mirrors word for word). */
export const WEB_OPERATIONS_DIR = path.join(__dirname, 'web', 'src', 'operations');
export const MANIFEST_FILE = path.join(__dirname, 'persisted-query-manifest.json');
export const PUBLIC_SCHEMA_FILE = path.join(__dirname, '..', 'schema', 'public.graphql');
/** The operations of the contract the public schema cannot serve yet, with why (committed, compared by a test). */
export const PENDING_FILE = path.join(__dirname, 'pending-operations.json');

export interface ManifestOperation {
  id: string;
  name: string;
  type: 'query' | 'mutation' | 'subscription';
  body: string;
}
export interface PersistedQueryManifest {
  format: 'apollo-persisted-query-manifest';
  version: 1;
  operations: ManifestOperation[];
}

/**
 * An operation of the contract the public schema cannot serve yet (a subgraph still to be built,
 * a field not added yet): kept out of the manifest, listed by name with the schema's objections.
 * An issue is done when its operations leave this list.
 */
export interface PendingOperation {
  file: string;
  name: string;
  type: string;
  reasons: string[];
}

/**
 * The trusted-documents manifest of the first-party operations (the contract's, then the web
 * app's own): one entry per operation, its
 * body the operation plus the fragments it uses (transitively), printed by graphql-js (comments
 * and formatting dropped), id = sha256 of the body. Every entry must validate against the public
 * schema; an operation that does not (its root type or a field is missing) is reported as
 * pending, not listed. Which ones are pending is pinned by `pending-operations.json`, so an
 * operation that stops validating by accident fails a test rather than leaving quietly.
 */
export function buildManifest(
  schema: GraphQLSchema = buildSchema(readFileSync(PUBLIC_SCHEMA_FILE, 'utf8')),
  dirs: string[] = [OPERATIONS_DIR, WEB_OPERATIONS_DIR],
): { manifest: PersistedQueryManifest; pending: PendingOperation[] } {
  const operations: ManifestOperation[] = [];
  const pending: PendingOperation[] = [];
  const files = dirs.flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.graphql'))
      .sort()
      .map((f) => path.join(dir, f)),
  );
  for (const filePath of files) {
    // The contract's files by name (as before); the others by their path under clients/.
    const file = path.dirname(filePath) === OPERATIONS_DIR ? path.basename(filePath) : path.relative(__dirname, filePath);
    const document = parse(readFileSync(filePath, 'utf8'));
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    for (const op of document.definitions) {
      if (op.kind !== Kind.OPERATION_DEFINITION) continue;
      if (!op.name) throw new Error(`${file}: every persisted operation needs a name`);
      const name = op.name.value;
      if (operations.some((o) => o.name === name) || pending.some((o) => o.name === name)) {
        throw new Error(`${file}: operation name ${name} is used twice`);
      }
      const body = print({ kind: Kind.DOCUMENT, definitions: [op, ...fragmentsUsedBy(op, fragments)] });
      const reasons = schema.getRootType(op.operation)
        ? validate(schema, parse(body)).map((e) => e.message)
        : [`the public schema has no ${op.operation} type`];
      if (reasons.length) {
        pending.push({ file, name, type: op.operation, reasons: [...new Set(reasons)] });
        continue;
      }
      operations.push({ id: createHash('sha256').update(body).digest('hex'), name, type: op.operation, body });
    }
  }
  return { manifest: { format: 'apollo-persisted-query-manifest', version: 1, operations }, pending };
}

/** The fragments an operation spreads, directly or through other fragments, sorted by name. */
function fragmentsUsedBy(op: OperationDefinitionNode, fragments: Map<string, FragmentDefinitionNode>): DefinitionNode[] {
  const used = new Map<string, FragmentDefinitionNode>();
  const collect = (node: OperationDefinitionNode | FragmentDefinitionNode) =>
    visit(node, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        const fragment = fragments.get(name);
        if (!fragment) throw new Error(`unknown fragment ${name}`);
        if (!used.has(name)) {
          used.set(name, fragment);
          collect(fragment);
        }
      },
    });
  collect(op);
  return [...used.values()].sort((a, b) => a.name.value.localeCompare(b.name.value));
}

export const serializeManifest = (manifest: PersistedQueryManifest) => JSON.stringify(manifest, null, 2) + '\n';
export const serializePending = (pending: PendingOperation[]) => JSON.stringify(pending, null, 2) + '\n';

if (require.main === module) {
  const { manifest, pending } = buildManifest();
  writeFileSync(MANIFEST_FILE, serializeManifest(manifest));
  writeFileSync(PENDING_FILE, serializePending(pending));
  // The web app's typed documents and the SDK's operation table (ids only) follow the manifest.
  writeFileSync(WEB_DOCUMENTS_FILE, renderWebDocuments(manifest));
  writeFileSync(SDK_OPERATIONS_FILE, renderSdkOperations(manifest));
  console.log(`wrote ${path.relative(process.cwd(), MANIFEST_FILE)}: ${manifest.operations.map((o) => o.name).join(', ')}`);
  for (const p of pending) console.log(`pending: ${p.name} (${p.file}): ${p.reasons.join('; ')}`);
}

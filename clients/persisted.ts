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

export const OPERATIONS_DIR = path.join(__dirname, 'operations');
export const MANIFEST_FILE = path.join(__dirname, 'persisted-query-manifest.json');
export const PUBLIC_SCHEMA_FILE = path.join(__dirname, '..', 'schema', 'public.graphql');

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

/** An operation the public schema cannot serve yet because it has no such root type (e.g. subscriptions). */
export interface PendingOperation {
  file: string;
  name: string;
  type: string;
}

/**
 * The trusted-documents manifest of the first-party operations: one entry per operation, its
 * body the operation plus the fragments it uses (transitively), printed by graphql-js (comments
 * and formatting dropped), id = sha256 of the body. Every entry must validate against the public
 * schema; an operation whose root type the schema lacks is reported as pending, not listed.
 */
export function buildManifest(
  schema: GraphQLSchema = buildSchema(readFileSync(PUBLIC_SCHEMA_FILE, 'utf8')),
  dir = OPERATIONS_DIR,
): { manifest: PersistedQueryManifest; pending: PendingOperation[] } {
  const operations: ManifestOperation[] = [];
  const pending: PendingOperation[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.graphql')).sort()) {
    const document = parse(readFileSync(path.join(dir, file), 'utf8'));
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    for (const op of document.definitions) {
      if (op.kind !== Kind.OPERATION_DEFINITION) continue;
      if (!op.name) throw new Error(`${file}: every persisted operation needs a name`);
      const name = op.name.value;
      if (!schema.getRootType(op.operation)) {
        pending.push({ file, name, type: op.operation });
        continue;
      }
      const body = print({ kind: Kind.DOCUMENT, definitions: [op, ...fragmentsUsedBy(op, fragments)] });
      const errors = validate(schema, parse(body));
      if (errors.length) throw new Error(`${file}: ${name} is not valid against the public schema:\n  ${errors.map((e) => e.message).join('\n  ')}`);
      if (operations.some((o) => o.name === name)) throw new Error(`${file}: operation name ${name} is used twice`);
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

if (require.main === module) {
  const { manifest, pending } = buildManifest();
  writeFileSync(MANIFEST_FILE, serializeManifest(manifest));
  console.log(`wrote ${path.relative(process.cwd(), MANIFEST_FILE)}: ${manifest.operations.map((o) => o.name).join(', ')}`);
  for (const p of pending) console.log(`not listed yet: ${p.name} (${p.file}): the public schema has no ${p.type} type`);
}

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { printSchema } from '@apollo/federation-internals';
import { parse } from 'graphql';
import { SUBGRAPHS, defaultSubgraphUrl } from '@cloudlab/kit/topology';
import { subgraphFiles } from '@cloudlab/kit/server/files';

const ROOT = path.join(__dirname, '..');
export const SUPERGRAPH_FILE = path.join(__dirname, 'supergraph.graphql');
export const PUBLIC_SCHEMA_FILE = path.join(__dirname, 'public.graphql');

/**
 * Composes the subgraphs' schemas (each subgraph's src/schema.graphql) with Apollo's composition
 * library into the supergraph the gateway serves, and the public API schema clients see.
 */
export function compose(): { supergraph: string; publicSchema: string; hints: string[] } {
  const services = SUBGRAPHS.map(({ name, port }) => ({
    name,
    url: defaultSubgraphUrl(port),
    typeDefs: parse(subgraphFiles(path.join(ROOT, 'subgraphs', name, 'src')).typeDefs),
  }));
  const result = composeServices(services);
  if (result.errors) {
    throw new Error(`composition failed:\n${result.errors.map((e) => `  - ${e.message}`).join('\n')}`);
  }
  return {
    supergraph: result.supergraphSdl + '\n',
    publicSchema: printSchema(result.schema.toAPISchema()) + '\n',
    hints: result.hints.map((h) => h.toString()),
  };
}

if (require.main === module) {
  const { supergraph, publicSchema, hints } = compose();
  writeFileSync(SUPERGRAPH_FILE, supergraph);
  writeFileSync(PUBLIC_SCHEMA_FILE, publicSchema);
  for (const hint of hints) console.log(`hint: ${hint}`);
  console.log(`wrote ${path.relative(process.cwd(), SUPERGRAPH_FILE)} and ${path.relative(process.cwd(), PUBLIC_SCHEMA_FILE)}`);
}

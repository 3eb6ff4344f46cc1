import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SUBGRAPHS } from '@cloudlab/kit/topology';
import { ROOT } from './stack';

/**
 * `pnpm new-subgraph <name> [--read-model]`: a new subgraph with the standard inner shape, from
 * the templates in ops/templates/subgraph, registered in kit/src/topology.ts (its port: the next
 * one), which is the list composition, codegen, `pnpm start`, `pnpm seed` and the e2e stack read.
 * `--read-model`: its tables are a rebuildable read model (`read-model/` instead of `migrations/`).
 */
const TEMPLATES = path.join(ROOT, 'ops', 'templates', 'subgraph');

export function scaffoldSubgraph(name: string, opts: { readModel: boolean; root?: string }): string[] {
  const root = opts.root ?? ROOT;
  if (!/^[a-z][a-z0-9]*$/.test(name)) throw new Error(`name: lower-case letters and digits, starting with a letter (got "${name}")`);
  const dir = path.join(root, 'subgraphs', name);
  if (existsSync(dir) || SUBGRAPHS.some((s) => s.name === name)) throw new Error(`subgraph ${name} exists already`);
  const title = name[0]!.toUpperCase() + name.slice(1);
  const fill = (text: string) =>
    text
      .replaceAll('__readModelNote__', opts.readModel ? '\n-- A read model: built only from events, rebuilt by `pnpm rebuild ' + name + '` (kit/src/read-model/README.md).' : '')
      .replaceAll('__readModel__', opts.readModel ? '\n  readModel: readModelFiles(__dirname),' : '')
      .replace("import { runSubgraph, subgraphFiles, type SubgraphDefinition } from '@cloudlab/kit';", (line) =>
        opts.readModel ? line.replace('runSubgraph, ', 'readModelFiles, runSubgraph, ') : line,
      )
      .replaceAll('__Title__', title)
      .replaceAll('__name__', name);
  const written: string[] = [];
  const walk = (from: string) => {
    for (const entry of readdirSync(path.join(TEMPLATES, from), { withFileTypes: true })) {
      const rel = path.join(from, entry.name);
      if (entry.isDirectory()) walk(rel);
      else {
        let target = fill(rel.replace(/\.tmpl$/, ''));
        if (opts.readModel) target = target.replace(/^migrations\//, 'read-model/');
        mkdirSync(path.dirname(path.join(dir, target)), { recursive: true });
        writeFileSync(path.join(dir, target), fill(readFileSync(path.join(TEMPLATES, rel), 'utf8')));
        written.push(path.join('subgraphs', name, target));
      }
    }
  };
  walk('');
  const topology = path.join(root, 'kit', 'src', 'topology.ts');
  const port = Math.max(...SUBGRAPHS.map((s) => s.port)) + 1;
  const source = readFileSync(topology, 'utf8');
  if (!source.includes('] as const;')) throw new Error('kit/src/topology.ts: SUBGRAPHS list not found');
  writeFileSync(topology, source.replace('] as const;', `  { name: '${name}', port: ${port} },\n] as const;`));
  written.push('kit/src/topology.ts');
  return written;
}

if (require.main === module) {
  const [name, ...flags] = process.argv.slice(2);
  try {
    const written = scaffoldSubgraph(name ?? '', { readModel: flags.includes('--read-model') });
    console.log(written.map((f) => `  wrote ${f}`).join('\n'));
    console.log(`
next:
  npx -y pnpm@10.34.9 install                 # links the new workspace package
  npx -y pnpm@10.34.9 compose && npx -y pnpm@10.34.9 codegen && npx -y pnpm@10.34.9 persisted
  fill in the domain (schema.graphql, store.ts, events.ts); if it publishes events, add its topic
  and payloads to kit/src/events/payloads.ts; row types for codegen: SUBGRAPH_MAPPERS in
  schema/codegen.ts; README: its row in "What you get" and the architecture sketch.`);
  } catch (err) {
    console.error(`new-subgraph: ${(err as Error).message}`);
    process.exit(2);
  }
}

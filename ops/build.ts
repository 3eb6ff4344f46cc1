import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { build, version as esbuildVersion, type Plugin } from 'esbuild';

/**
 * Each service's TypeScript compiled once into one CommonJS file under `.build/` (esbuild), so a
 * service process starts on plain Node instead of transpiling its modules through tsx's loader:
 * on this 2-core machine a subgraph's start went from ~4.6 s to ~1.4 s of CPU (`pnpm bench startup`).
 *
 * - The project's own code (the entry, the kit, `@cloudlab/*` workspace packages) is bundled.
 * - npm packages stay outside, required by absolute path from where the source imports them (pnpm
 *   keeps each workspace package's dependencies beside it), so Node loads them as usual and
 *   OpenTelemetry's require hooks still instrument `pg`, `pino` and friends.
 * - `__dirname` keeps meaning the source file's folder (migrations, schemas, templates sit there),
 *   and `require.resolve()` resolves from the source file.
 * - A bundle is rebuilt when any of its inputs, the lockfile or this file changes (content hashes
 *   in `.build/<name>.inputs.json`); otherwise it is reused as is.
 *
 * Stack traces point into the bundle, which is not minified and names each module's source path
 * in a comment; `NODE_OPTIONS=--enable-source-maps` maps them to the TypeScript (a source map is
 * written beside each bundle; left off by default: parsing it costs ~0.3 s per process at start).
 */
export const ROOT = path.join(__dirname, '..');
export const BUILD_DIR = path.join(ROOT, '.build');

/** The always-hashed extra inputs: a change of dependencies or of how bundles are made. */
const EXTRA_INPUTS = [path.join(ROOT, 'pnpm-lock.yaml'), __filename];

/** `subgraphs/catalog/src/server.ts` → `subgraphs-catalog-src-server` */
const bundleName = (entry: string) => path.relative(ROOT, entry).replace(/\.ts$/, '').split(path.sep).join('-');
export const bundlePath = (entry: string) => path.join(BUILD_DIR, `${bundleName(entry)}.js`);

const sha1 = (data: Buffer | string) => createHash('sha1').update(data).digest('hex');

interface Inputs {
  esbuild: string;
  root: string;
  files: Record<string, string>;
}

/** True when the bundle for `entry` exists and none of its recorded inputs changed. */
export function upToDate(entry: string): boolean {
  const record = path.join(BUILD_DIR, `${bundleName(entry)}.inputs.json`);
  if (!existsSync(bundlePath(entry)) || !existsSync(record)) return false;
  try {
    const inputs = JSON.parse(readFileSync(record, 'utf8')) as Inputs;
    if (inputs.esbuild !== esbuildVersion || inputs.root !== ROOT) return false;
    return Object.entries(inputs.files).every(([file, hash]) => existsSync(file) && sha1(readFileSync(file)) === hash);
  } catch {
    return false;
  }
}

/** npm packages stay external, by absolute path; `__dirname` stays the source file's folder. */
const servicePlugin: Plugin = {
  name: 'cloudlab-services',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:') || args.path.startsWith('@cloudlab/')) return undefined;
      try {
        return { path: require.resolve(args.path, { paths: [args.resolveDir] }), external: true };
      } catch {
        return undefined; // a Node built-in without `node:` or a path esbuild resolves itself
      }
    });
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      let contents = await readFile(args.path, 'utf8');
      if (contents.includes('__dirname')) contents = `const __dirname = ${JSON.stringify(path.dirname(args.path))};\n${contents}`;
      // require.resolve() at run time resolves from the source file too (pnpm: packages sit beside it).
      if (contents.includes('require.resolve(')) {
        contents = `import { createRequire as __createRequire } from 'node:module';\nconst __sourceRequire = __createRequire(${JSON.stringify(args.path)});\n${contents.replaceAll('require.resolve(', '__sourceRequire.resolve(')}`;
      }
      return { contents, loader: 'ts' };
    });
  },
};

/**
 * Makes sure each entry has an up-to-date bundle; returns entry → bundle path. Safe to run from
 * several processes at once (each file is written to a temporary name and renamed).
 */
export async function compileServices(entries: string[]): Promise<Map<string, string>> {
  const stale = entries.filter((e) => !upToDate(e));
  if (stale.length) {
    mkdirSync(BUILD_DIR, { recursive: true });
    const result = await build({
      entryPoints: Object.fromEntries(stale.map((e) => [bundleName(e), e])),
      outdir: BUILD_DIR,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'linked',
      metafile: true,
      write: false,
      logLevel: 'warning',
      absWorkingDir: ROOT,
      plugins: [servicePlugin],
    });
    const tmp = `.tmp-${process.pid}-${Date.now()}`;
    for (const file of result.outputFiles) {
      writeFileSync(file.path + tmp, file.contents);
      renameSync(file.path + tmp, file.path);
    }
    for (const entry of stale) {
      const output = result.metafile.outputs[path.relative(ROOT, bundlePath(entry))];
      const sources = Object.keys(output?.inputs ?? {}).map((f) => path.resolve(ROOT, f));
      if (!sources.length) throw new Error(`esbuild reported no inputs for ${entry}`);
      const files = Object.fromEntries([...sources, ...EXTRA_INPUTS].map((f) => [f, sha1(readFileSync(f))]));
      const record = path.join(BUILD_DIR, `${bundleName(entry)}.inputs.json`);
      writeFileSync(record + tmp, JSON.stringify({ esbuild: esbuildVersion, root: ROOT, files } satisfies Inputs));
      renameSync(record + tmp, record);
    }
  }
  return new Map(entries.map((e) => [e, bundlePath(e)]));
}

import { compileServices } from './build';
import { SERVICE_ENTRIES } from './stack';
import { ensureWebBuild } from './web';

/**
 * `pnpm build` (also run by `pnpm install`, as its postinstall): compiles every service into
 * `.build/` (esbuild, ops/build.ts) and builds the web app (vite, ops/web.ts), so the first
 * `pnpm start` of a fresh clone starts at once. Each part is skipped when its sources did not
 * change; `pnpm start` makes the same checks and builds whatever is stale itself.
 */
async function main() {
  const started = Date.now();
  const [services, web] = await Promise.all([compileServices(SERVICE_ENTRIES), ensureWebBuild((line) => console.log(line))]);
  console.log(`build: ${services.size} service bundles in .build/, web app ${web.built ? 'built' : 'up to date'} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

main().catch((err) => {
  console.error(`build failed: ${(err as Error)?.message ?? err}`);
  process.exit(1);
});

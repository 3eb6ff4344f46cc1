/**
 * `pnpm bench <name> [options]`: benchmarks that live in the repo. Each prints a table for
 * people and, as its last line, one JSON object for machines.
 */
const benches: Record<string, () => Promise<unknown>> = {
  startup: () => import('./startup'),
  storefront: () => import('./storefront'),
  saga: () => import('./saga'),
  subscriptions: () => import('./subscriptions'),
  gateway: () => import('./gateway'),
  floor: () => import('./floor'),
  executor: () => import('./executor'),
  analytics: () => import('./analytics'),
  notifications: () => import('./notifications'),
  search: () => import('./search'),
  content: () => import('./content'),
  partitions: () => import('./partitions'),
};

const name = process.argv[2];
if (!name || !benches[name]) {
  console.error(`usage: pnpm bench <${Object.keys(benches).join('|')}> [--quick]`);
  process.exit(2);
}
void benches[name]!();

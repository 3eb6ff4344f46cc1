import { existsSync } from 'node:fs';
import { startConfig } from '../config';
import { requestRollout } from './control';

/**
 * `pnpm rollout [--concurrency K]`: restarts every instance of the running `pnpm start --replicas N`
 * one at a time per service (K services at once, default 1), with zero failed requests; exits 0
 * once every instance is back and ready. Same DATA_DIR as the `pnpm start` it talks to.
 */
async function main() {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--concurrency');
  const concurrency = at >= 0 ? Number(argv[at + 1]) : 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    console.error('rollout: --concurrency takes a positive integer');
    process.exit(2);
  }
  const { controlSocket } = startConfig(process.env, []);
  if (!existsSync(controlSocket)) {
    console.error(`rollout: no running 'pnpm start --replicas N' here (no ${controlSocket}; same DATA_DIR?)`);
    process.exit(1);
  }
  const started = Date.now();
  const { ok, last } = await requestRollout(controlSocket, concurrency, (line) => console.log(line));
  if (!ok) {
    console.error(`rollout ${last.startsWith('failed') ? last : `failed: ${last}`}`);
    process.exit(1);
  }
  console.log(`rollout: every instance restarted and ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((err) => {
  console.error(`rollout: ${(err as Error).message}`);
  process.exit(1);
});

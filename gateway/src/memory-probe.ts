/**
 * A gateway process for the memory test (memory.test.ts): started by the test with
 * `--expose-gc`, configured by its environment, it answers `heap` over IPC with the heap in use
 * after a full GC. A real process, loaded like `bin/gateway.js` loads the gateway.
 */
import { gatewayConfig } from './config';
import { startGateway } from './server';

async function main() {
  const { stop } = await startGateway(gatewayConfig([], process.env));
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  process.on('message', async (message) => {
    if (message === 'heap') {
      for (let i = 0; i < 3; i++) {
        gc();
        await new Promise((r) => setImmediate(r));
      }
      process.send!({ heapUsed: process.memoryUsage().heapUsed, rss: process.memoryUsage().rss });
    } else if (message === 'stop') {
      await stop();
      process.exit(0);
    }
  });
  process.send!({ ready: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

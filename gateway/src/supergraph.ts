import { readFileSync, watch } from 'node:fs';
import type { SupergraphManager } from '@apollo/gateway';
import type { Logger } from '@cloudlab/kit';

/**
 * Serves the supergraph from a file and hot-reloads it when the file changes (e.g. after
 * `pnpm compose`). A file that fails to load keeps the previous supergraph serving.
 */
export function fileSupergraph(file: string, log: Logger): SupergraphManager {
  return {
    async initialize({ update }) {
      let last = readFileSync(file, 'utf8');
      let timer: NodeJS.Timeout | undefined;
      const watcher = watch(file, () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          try {
            const next = readFileSync(file, 'utf8');
            if (next === last) return;
            update(next);
            last = next;
            log.info({ file }, 'supergraph reloaded');
          } catch (err) {
            log.error({ err, file }, 'supergraph reload failed; still serving the previous one');
          }
        }, 100);
      });
      return { supergraphSdl: last, cleanup: async () => watcher.close() };
    },
  };
}

/** A subgraph's URL: SUBGRAPH_<NAME>_URL when set, else the one in the supergraph. */
export function subgraphUrl(name: string, fromSupergraph: string | undefined, source = process.env): string {
  const override = source[`SUBGRAPH_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URL`];
  const url = override || fromSupergraph;
  if (!url) throw new Error(`subgraph ${name} has no URL: set SUBGRAPH_${name.toUpperCase()}_URL`);
  return url;
}

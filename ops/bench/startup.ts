import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../stack';

/**
 * `pnpm bench startup`: how long `pnpm start` takes from nothing to serving — a cold start on
 * embedded defaults (new data folder: initdb, migrations, demo data), then a warm restart. Up is
 * "Cloud Lab is up" (every service answers); on a cold start the demo data is still loading then
 * (SEED_IN_BACKGROUND), so the time until "Demo data loaded" is reported beside it.
 */
async function main() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cloudlab-startup-'));
  chmodSync(dataDir, 0o755);
  try {
    const cold = await timeStart(dataDir);
    const warm = await timeStart(dataDir);
    const s = (t: number) => Number(t.toFixed(2));
    console.log(`pnpm start on embedded defaults: cold ${cold.up.toFixed(1)} s (demo data loaded at ${cold.loaded.toFixed(1)} s), warm ${warm.up.toFixed(1)} s`);
    console.log(JSON.stringify({ bench: 'startup', cold_s: s(cold.up), cold_demo_data_s: s(cold.loaded), warm_s: s(warm.up), warm_demo_data_s: s(warm.loaded) }));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function timeStart(dataDir: string): Promise<{ up: number; loaded: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // The gateway on base, the subgraphs on base+1…, then the web app and PostgreSQL past them (their
    // metrics sit at +1000); all below the ephemeral range (32768+).
    const base = 20_000 + Math.floor(Math.random() * 350) * 32;
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'ops', 'start.ts')], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, PORT: String(base), SUBGRAPH_PORT_BASE: String(base + 1), WEB_PORT: String(base + 20), EMBEDDED_PG_PORT: String(base + 21), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    let up: number | undefined;
    let done = false;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const now = (performance.now() - started) / 1000;
      if (up === undefined && output.includes('Cloud Lab is up')) up = now;
      // The last line of a start is "Ctrl-C stops everything", then (cold) the demo data's two lines.
      const finished = output.includes('Demo data loaded') || (output.includes('Ctrl-C stops everything') && !output.includes('Demo data loading'));
      if (up !== undefined && !done && finished) {
        done = true;
        const result = { up, loaded: output.includes('Demo data loaded') ? now : up };
        child.once('exit', () => resolve(result));
        child.kill('SIGTERM');
      }
    });
    child.once('exit', (code) => {
      if (!output.includes('Cloud Lab is up')) reject(new Error(`start exited with ${code}:\n${output}`));
    });
  });
}

void main();

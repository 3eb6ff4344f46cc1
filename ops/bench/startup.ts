import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../stack';

/**
 * `pnpm bench startup`: how long `pnpm start` takes from nothing to serving — a cold start on
 * embedded defaults (new data folder: initdb, migrations, demo data), then a warm restart.
 */
async function main() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cloudlab-startup-'));
  chmodSync(dataDir, 0o755);
  try {
    const cold = await timeStart(dataDir);
    const warm = await timeStart(dataDir);
    console.log(`pnpm start on embedded defaults: cold ${cold.toFixed(1)} s, warm ${warm.toFixed(1)} s`);
    console.log(JSON.stringify({ bench: 'startup', cold_s: Number(cold.toFixed(2)), warm_s: Number(warm.toFixed(2)) }));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function timeStart(dataDir: string): Promise<number> {
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
    let up = false;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (!up && output.includes('Cloud Lab is up')) {
        up = true;
        const seconds = (performance.now() - started) / 1000;
        child.once('exit', () => resolve(seconds));
        child.kill('SIGTERM');
      }
    });
    child.once('exit', (code) => {
      if (!output.includes('Cloud Lab is up')) reject(new Error(`start exited with ${code}:\n${output}`));
    });
  });
}

void main();

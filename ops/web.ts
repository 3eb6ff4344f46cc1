import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** The web app (clients/web): its sources and the production build `pnpm start` serves. */
export const WEB_DIR = path.join(__dirname, '..', 'clients', 'web');
export const WEB_DIST = path.join(WEB_DIR, 'dist');
const HASH_FILE = path.join(WEB_DIST, '.source-hash');

/** sha256 over every file the build reads (sources, index.html, Vite config, package.json, the generated types). */
export function sourceHash(dir = WEB_DIR): string {
  const hash = createHash('sha256');
  const files: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(path.join(dir, 'src'));
  files.push(...['index.html', 'vite.config.mts', 'package.json'].map((f) => path.join(dir, f)));
  files.push(path.join(dir, '..', 'generated', 'operations.ts'));
  for (const f of files) hash.update(path.relative(dir, f)).update('\0').update(readFileSync(f)).update('\0');
  return hash.digest('hex');
}

/**
 * Builds the app with Vite unless dist/ already holds a build of exactly these sources (a content
 * hash, so `pnpm start` builds once after each change, ~15-60 s, and then starts in milliseconds).
 * The build is a child process: `pnpm start` runs it while the services start.
 */
export async function ensureWebBuild(log: (line: string) => void = console.log): Promise<{ built: boolean }> {
  const hash = sourceHash();
  if (existsSync(path.join(WEB_DIST, 'index.html')) && existsSync(HASH_FILE) && readFileSync(HASH_FILE, 'utf8') === hash) return { built: false };
  log('web: building clients/web (vite build; once per change of its sources)…');
  const vite = path.join(WEB_DIR, 'node_modules', 'vite', 'bin', 'vite.js');
  const child = spawn(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: WEB_DIR, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
  if (code !== 0) throw new Error(`vite build failed (exit ${code ?? signal})`);
  writeFileSync(HASH_FILE, hash);
  return { built: true };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves the built app: hashed assets cached for a year, every other path gets index.html (the
 * app's own routes), with the gateway's URL written into it. Nothing secret goes in: the page
 * learns only where the public GraphQL endpoint is.
 */
export function serveWeb(opts: { graphqlUrl: string; port: number; host?: string; dist?: string }): Promise<{ url: string; server: Server }> {
  const dist = opts.dist ?? WEB_DIST;
  const config = JSON.stringify({ graphqlUrl: opts.graphqlUrl, imageWaitMs: Number(process.env.WEB_IMAGE_WAIT_MS ?? 30_000) }).replace(/</g, '\\u003c');
  const index = Buffer.from(
    readFileSync(path.join(dist, 'index.html'), 'utf8').replace('<!--cloudlab-config-->', `<script>window.__CLOUDLAB__=${config}</script>`),
  );
  const files = new Map<string, { body: Buffer; gzip: Buffer | null; type: string }>();
  const load = (rel: string) => {
    let entry = files.get(rel);
    if (entry) return entry;
    const file = path.join(dist, rel);
    if (!file.startsWith(dist + path.sep) || !existsSync(file) || !statSync(file).isFile()) return undefined;
    const body = readFileSync(file);
    const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
    entry = { body, gzip: /text|javascript|json|svg/.test(type) && body.length > 1024 ? gzipSync(body) : null, type };
    files.set(rel, entry);
    return entry;
  };
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const asset = pathname !== '/' && pathname !== '/index.html' ? load(pathname.slice(1)) : undefined;
    if (!asset && path.extname(pathname) && pathname !== '/index.html') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    const headers: Record<string, string> = { 'x-content-type-options': 'nosniff' };
    let body: Buffer;
    if (asset) {
      headers['content-type'] = asset.type;
      headers['cache-control'] = pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
      const gzip = asset.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      if (gzip) headers['content-encoding'] = 'gzip';
      headers.vary = 'accept-encoding';
      body = gzip ? asset.gzip! : asset.body;
    } else {
      headers['content-type'] = TYPES['.html']!;
      headers['cache-control'] = 'no-cache';
      body = index;
    }
    headers['content-length'] = String(body.length);
    res.writeHead(200, headers).end(req.method === 'HEAD' ? undefined : body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve({ url: `http://${opts.host ?? '127.0.0.1'}:${opts.port}/`, server }));
  });
}

/**
 * `pnpm start`'s web app: builds it if its sources changed (`build`: a build already under way),
 * serves it on WEB_PORT (3000) pointing at the gateway. A failure here is reported and the backend
 * keeps running.
 */
export async function startWeb(graphqlUrl: string, build: Promise<unknown> = ensureWebBuild()): Promise<{ url: string; close: () => void } | { error: string }> {
  try {
    const port = Number(process.env.WEB_PORT ?? 3000);
    await build;
    const { url, server } = await serveWeb({ graphqlUrl, port, host: process.env.WEB_HOST ?? '127.0.0.1' });
    return { url, close: () => void server.close() };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

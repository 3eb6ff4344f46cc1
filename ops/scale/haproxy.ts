import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';

/** One balanced service: a front port on HAProxy and the instances behind it. */
export interface Balanced {
  /** Backend name (the service: `gateway`, `catalog`, …). */
  name: string;
  /** Where clients (or the gateway, for a subgraph) connect. */
  front: { host: string; port: number };
  servers: { name: string; port: number }[];
}

export interface BalancerOptions {
  dir: string;
  services: Balanced[];
  /** Health check period (ms) while a server is up; a change is followed faster (fastinter). */
  checkIntervalMs?: number;
  output?: (line: string) => void;
}

export interface Balancer {
  /** HAProxy's runtime API (admin level), a Unix socket. */
  socket: string;
  config: string;
  process: ChildProcess;
  /** `ready`, `drain` (no new requests; those in flight and health checks go on) or `maint`. */
  setState(backend: string, server: string, state: 'ready' | 'drain' | 'maint'): Promise<void>;
  /** Each server's state as HAProxy sees it: status (UP, DOWN, DRAIN, MAINT…), current sessions. */
  servers(): Promise<{ backend: string; server: string; status: string; sessions: number; total: number }[]>;
  /**
   * Resolves once HAProxy sees every server UP. An instance that has just become ready is still
   * DOWN here until its next health check passes (up to the check interval later): a stack that
   * says it is up before that would answer its first requests with HAProxy's 503.
   */
  allUp(timeoutMs: number): Promise<void>;
  command(cmd: string): Promise<string>;
  stop(): Promise<void>;
}

/** The haproxy binary, installed by ops/haproxy/install.sh when missing (Debian's package). */
export function haproxyBinary(): string {
  const find = () => {
    try {
      return execFileSync('sh', ['-c', 'command -v haproxy'], { encoding: 'utf8' }).trim() || undefined;
    } catch {
      return undefined;
    }
  };
  const found = find();
  if (found) return found;
  execFileSync('bash', [path.join(__dirname, '..', 'haproxy', 'install.sh')], { stdio: 'inherit' });
  const installed = find();
  if (!installed) throw new Error('haproxy is not installed and ops/haproxy/install.sh could not install it');
  return installed;
}

/**
 * The configuration: HTTP mode, one frontend/backend per service, active health checks on
 * /readyz (an instance that starts draining answers 503 and leaves the rotation), L7 retries of
 * requests that never reached an instance (refused connection, a kept-alive connection closed
 * under the request) on another instance, and long tunnels for graphql-ws.
 */
export function haproxyConfig(opts: { socket: string; services: Balanced[]; checkIntervalMs?: number }): string {
  const inter = opts.checkIntervalMs ?? 1000;
  const lines = [
    'global',
    '  maxconn 4000',
    `  stats socket ${opts.socket} mode 600 level admin`,
    '  hard-stop-after 15s',
    '',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 70s',
    '  timeout server 70s',
    '  timeout http-keep-alive 60s',
    '  timeout check 2s',
    // graphql-ws connections live for hours.
    '  timeout tunnel 1h',
    // A request that never reached an instance is sent to another: a refused connection, or a
    // kept-alive connection the instance closed as the request went out (it had not seen it;
    // the drain answers every request an instance has taken, so an empty response means unseen).
    '  retries 3',
    '  retry-on conn-failure empty-response',
    '  option redispatch 1',
    '  option forwardfor',
    '',
  ];
  for (const s of opts.services) {
    lines.push(
      `frontend ${s.name}`,
      `  bind ${s.front.host}:${s.front.port}`,
      `  default_backend ${s.name}`,
      '',
      `backend ${s.name}`,
      '  balance leastconn',
      // The gateway's own readiness (`scope=self`): its deep /readyz also probes every subgraph,
      // and one slow subgraph would take every gateway out together. Subgraphs check their database.
      `  option httpchk GET ${s.name === 'gateway' ? '/readyz?scope=self' : '/readyz'}`,
      '  http-check expect status 200',
      `  default-server check inter ${inter} fastinter ${Math.max(100, Math.round(inter / 4))} downinter ${inter} rise 1 fall 2`,
      ...s.servers.map((srv) => `  server ${srv.name} 127.0.0.1:${srv.port}`),
      '',
    );
  }
  return lines.join('\n');
}

export async function startBalancer(opts: BalancerOptions): Promise<Balancer> {
  mkdirSync(opts.dir, { recursive: true });
  const socket = path.join(opts.dir, 'haproxy.sock');
  const config = path.join(opts.dir, 'haproxy.cfg');
  writeFileSync(config, haproxyConfig({ socket, services: opts.services, checkIntervalMs: opts.checkIntervalMs }));
  const bin = haproxyBinary();
  execFileSync(bin, ['-c', '-q', '-f', config]);
  // -db: in the foreground, a child of this process like every other service.
  const child = spawn(bin, ['-db', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.setEncoding('utf8').on('data', (chunk: string) => chunk.split('\n').filter(Boolean).forEach((l) => opts.output?.(l)));
  }
  const command = (cmd: string) =>
    new Promise<string>((resolve, reject) => {
      const conn = connect(socket);
      let out = '';
      conn.setEncoding('utf8');
      conn.on('data', (d: string) => (out += d));
      conn.on('end', () => resolve(out));
      conn.on('error', reject);
      conn.end(`${cmd}\n`);
    });
  // Up once its runtime socket answers.
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`haproxy exited with ${child.exitCode}`);
    if (await command('show info').then(() => true, () => false)) break;
    if (i > 100) throw new Error('haproxy did not open its runtime socket within 10 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  const balancer: Balancer = {
    socket,
    config,
    process: child,
    command,
    async setState(backend, server, state) {
      const out = await command(`set server ${backend}/${server} state ${state}`);
      if (out.trim()) throw new Error(`haproxy: set server ${backend}/${server} state ${state}: ${out.trim()}`);
    },
    async servers() {
      const csv = await command('show stat');
      const [header, ...rows] = csv.replace(/^# /, '').trim().split('\n');
      const cols = header!.split(',');
      const at = (row: string[], name: string) => row[cols.indexOf(name)] ?? '';
      return rows
        .map((r) => r.split(','))
        .filter((r) => !['FRONTEND', 'BACKEND'].includes(at(r, 'svname')))
        .map((r) => ({ backend: at(r, 'pxname'), server: at(r, 'svname'), status: at(r, 'status'), sessions: Number(at(r, 'scur')), total: Number(at(r, 'stot')) }));
    },
    async allUp(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const down = (await balancer.servers()).filter((s) => s.status !== 'UP');
        if (!down.length) return;
        if (Date.now() > deadline) throw new Error(`haproxy: not UP after ${timeoutMs} ms: ${down.map((s) => `${s.backend}/${s.server} ${s.status}`).join(', ')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      // SIGUSR1: soft stop (finishes the requests it carries); SIGTERM after 5 s.
      child.kill('SIGUSR1');
      const timer = setTimeout(() => child.kill('SIGTERM'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
  return balancer;
}

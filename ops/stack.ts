import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { SUBGRAPHS, defaultSubgraphUrl } from '@cloudlab/kit/topology';
import { DEFAULT_RESTART, supervise, type RestartPolicy, type Supervised } from './supervise';
import { startBalancer, type Balancer } from './scale/haproxy';
import { bundlePath, compileServices, upToDate } from './build';

export const ROOT = path.join(__dirname, '..');

export interface StackOptions {
  /** A Postgres server; unset → an embedded one in `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  embeddedPgPort: number;
  dbPrefix: string;
  gatewayPort: number;
  /** false: subgraphs only (start gateways with `startGateway`). */
  gateway?: boolean;
  subgraphPorts: Record<string, number>;
  /** Extra environment for every process (seed sizes, log level, OTel…). */
  env?: NodeJS.ProcessEnv;
  /** Where the processes' output goes, line by line, prefixed with the process name. */
  output?: (name: string, line: string) => void;
  /** How a service process that dies on its own is restarted (default: 0.5 s doubling to 30 s). */
  restart?: RestartPolicy;
  /**
   * Instances of the gateway and of every subgraph (default 1). Above 1, HAProxy (ops/scale/)
   * listens on `gatewayPort` and `subgraphPorts` and balances over the instances, which listen on
   * `instancePortBase` onwards; the gateway instances reach the subgraphs through it.
   */
  replicas?: number;
  instancePortBase?: number;
  /** How long a process may take to come up (default 120 s). */
  startTimeoutMs?: number;
}

/** One process of a service: `catalog` (one instance), or `catalog-1`, `catalog-2`… behind HAProxy. */
export interface Instance {
  name: string;
  service: string;
  port: number;
}

export interface Stack {
  gatewayUrl: string;
  subgraphUrls: Record<string, string>;
  databaseUrl: string;
  /** The current process of each service (a restarted service has a new one). */
  processes: Map<string, ChildProcess>;
  /** Every instance of every service (one per service unless `replicas` > 1). */
  instances: Instance[];
  /** HAProxy in front of the instances when `replicas` > 1. */
  balancer?: Balancer;
  /**
   * Stops an instance gracefully (SIGTERM: it drains) and starts it again on its port; resolves
   * once its /readyz answers 200.
   */
  restartInstance(name: string): Promise<void>;
  /** Starts a subgraph (instance) again (after `stopProcess`). */
  startSubgraph(name: string): Promise<void>;
  startGateway(name: string, port: number, env?: NodeJS.ProcessEnv, entry?: string): Promise<ChildProcess>;
  /** A deliberate stop: the process is not restarted (until `startSubgraph`). */
  stopProcess(name: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the whole supergraph as separate processes — Postgres (embedded unless given), each
 * subgraph, then the gateway — the way it runs in production: one process per service.
 * Used by `pnpm start`, `pnpm bench` and the end-to-end tests alike. Every service process is
 * supervised: one that exits without being stopped is started again with backoff (ops/supervise.ts).
 */
export async function startStack(opts: StackOptions): Promise<Stack> {
  const output = opts.output ?? ((name, line) => process.stdout.write(`[${name}] ${line}\n`));
  // Every service compiled once (ops/build.ts) while the embedded PostgreSQL starts.
  const compiled = SERVICE_LOADER === 'bundle' ? compileServices(SERVICE_ENTRIES) : Promise.resolve(new Map<string, string>());
  compiled.catch(() => {}); // awaited below; a failure surfaces there
  // The services start while the embedded PostgreSQL initialises: a starting service waits for it
  // to take connections (DB_CONNECT_TIMEOUT_MS), so their ~1 s each of loading overlaps initdb.
  const embedded = opts.databaseUrl ? undefined : spawnPostgresProcess(path.join(opts.dataDir, 'postgres'), opts.embeddedPgPort, output);
  embedded?.ready.catch(() => {}); // awaited below; a failure surfaces there
  const bundles = await compiled.catch(async (err) => {
    await embedded?.stop();
    throw err;
  });
  const databaseUrl = opts.databaseUrl ?? embedded!.url;
  const common: NodeJS.ProcessEnv = {
    ...process.env,
    APOLLO_TELEMETRY_DISABLED: '1',
    // Children write to a pipe (their lines are prefixed here), so they would pick JSON: on a
    // terminal, a development stack's logs are human-readable (kit/src/logger.ts).
    ...(process.stdout.isTTY && !process.env.LOG_FORMAT && (process.env.NODE_ENV ?? 'development') === 'development' ? { LOG_FORMAT: 'pretty' } : {}),
    // Also kept in this process's env: benchmarks that call subgraphs directly need the gateway credential.
    INTERNAL_SECRET: (process.env.INTERNAL_SECRET ??= randomBytes(32).toString('hex')),
    // content keeps media (local driver) under DATA_DIR/media.
    DATA_DIR: opts.dataDir,
    ...opts.env,
  };
  const processes = new Map<string, ChildProcess>();
  const services = new Map<string, Supervised>();
  const policy = opts.restart ?? DEFAULT_RESTART;
  let stopping = false;
  // A subgraph that loads its demo data in the background (SEED_IN_BACKGROUND) asks over its IPC
  // channel before it begins (kit/src/server/run.ts); it is told to once the whole stack is up,
  // so ten seeds do not slow every other service's start.
  let seedsReleased = false;
  const seedsWanted = new Set<ChildProcess>();
  const tellSeed = (child: ChildProcess) => child.connected && child.send({ cloudlab: 'seed' }, () => {});
  const onSeedWanted = (child: ChildProcess) =>
    child.on('message', (message: { cloudlab?: string } | null) => {
      if (message?.cloudlab !== 'seed-wanted') return;
      if (seedsReleased) tellSeed(child);
      else seedsWanted.add(child);
    });
  /** Starts `name` under supervision; `processes` always holds its current process. */
  const run = (name: string, entry: string, env: NodeJS.ProcessEnv, subgraph = false) => {
    const script = bundles.get(entry) ?? entry;
    const start = () => {
      const child = launch(name, script, env, output, [], undefined, subgraph);
      if (subgraph) onSeedWanted(child);
      return child;
    };
    const service = supervise(name, start, policy, {
      log: (line) => output('supervisor', line),
      onRestart: (child) => processes.set(name, child),
      restartAllowed: () => !stopping,
    });
    services.set(name, service);
    processes.set(name, service.child);
    return service;
  };
  // With one instance per service, the subgraphs listen on `subgraphPorts` themselves; with more,
  // HAProxy does and the instances sit behind it. Either way these are the URLs the gateway uses.
  const subgraphUrls = Object.fromEntries(
    SUBGRAPHS.map(({ name }) => [name, defaultSubgraphUrl(opts.subgraphPorts[name]!)]),
  );
  // START_TIMEOUT_MS also reaches stacks started by tests and benchmarks (a loaded machine needs more).
  const startTimeout = opts.startTimeoutMs ?? (Number(process.env.START_TIMEOUT_MS) || 120_000);
  const replicas = Math.max(1, opts.replicas ?? 1);
  const balanced = replicas > 1;
  const instances: Instance[] = [];
  for (const [k, service] of ['gateway', ...SUBGRAPHS.map((s) => s.name)].entries()) {
    if (service === 'gateway' && opts.gateway === false) continue;
    for (let i = 0; i < replicas; i++) {
      const single = service === 'gateway' ? opts.gatewayPort : opts.subgraphPorts[service]!;
      instances.push({ name: balanced ? `${service}-${i + 1}` : service, service, port: balanced ? (opts.instancePortBase ?? 4100) + k * replicas + i : single });
    }
  }
  const isSubgraph = (service: string) => SUBGRAPHS.some((s) => s.name === service);
  // Behind HAProxy an instance binds loopback only; HAProxy's front is the public address.
  const instanceEnv: NodeJS.ProcessEnv = balanced ? { HOST: '127.0.0.1' } : {};

  const startSubgraph = async (name: string) => {
    const instance = instances.find((i) => i.name === name && isSubgraph(i.service));
    if (!instance) throw new Error(`no subgraph instance named ${name}`);
    // Already supervised (running, or between a crash and its restart): a second copy would only
    // fail to bind the port and crash-loop.
    const running = services.get(name);
    if (running) return waitUntilUp(`http://127.0.0.1:${instance.port}/healthz`, running, name, startTimeout);
    const service = run(name, subgraphEntry(instance.service), {
      ...common,
      ...instanceEnv,
      PORT: String(instance.port),
      DATABASE_URL: databaseUrl,
      DB_PREFIX: opts.dbPrefix,
      OTEL_SERVICE_NAME: instance.service,
    }, true);
    await waitUntilUp(`http://127.0.0.1:${instance.port}/healthz`, service, name, startTimeout);
  };

  /** Starts a gateway process over the stack's subgraphs (`pnpm bench gateway` starts several). */
  const startGateway = async (name: string, port: number, env: NodeJS.ProcessEnv = {}, entry = GATEWAY_ENTRY) => {
    if (SERVICE_LOADER === 'bundle' && !bundles.has(entry)) bundles.set(entry, (await compileServices([entry])).get(entry)!);
    const service = run(name, entry, {
      ...common,
      PORT: String(port),
      OTEL_SERVICE_NAME: 'gateway',
      // The gateway reads domain events (cache invalidation) from the same bus as the subgraphs.
      DATABASE_URL: databaseUrl,
      DB_PREFIX: opts.dbPrefix,
      ...Object.fromEntries(Object.entries(subgraphUrls).map(([n, url]) => [`SUBGRAPH_${n.toUpperCase()}_URL`, url])),
      ...env,
    });
    // A gateway without /healthz (stock Apollo, in benchmarks) is up once it answers at all.
    await waitUntilUp(`http://127.0.0.1:${port}/healthz`, service, name, startTimeout, (status) => status < 500);
    return service.child;
  };

  const stopProcess = async (name: string) => {
    const service = services.get(name);
    services.delete(name);
    processes.delete(name);
    await service?.stop();
  };

  const restartInstance = async (name: string) => {
    const instance = instances.find((i) => i.name === name);
    if (!instance) throw new Error(`no instance named ${name}`);
    await stopProcess(name);
    if (isSubgraph(instance.service)) await startSubgraph(name);
    else await startGateway(name, instance.port, instanceEnv);
    const service = services.get(name)!;
    await waitUntilUp(`http://127.0.0.1:${instance.port}/readyz`, service, name, startTimeout);
  };

  let balancer: Balancer | undefined;
  const stop = async () => {
    stopping = true;
    const subgraphProcess = (n: string) => instances.some((i) => i.name === n && isSubgraph(i.service));
    await Promise.all([...processes.keys()].filter((n) => !subgraphProcess(n)).map(stopProcess));
    await Promise.all(instances.filter((i) => isSubgraph(i.service)).map(({ name }) => stopProcess(name)));
    await balancer?.stop();
    await embedded?.stop();
  };

  try {
    if (balanced) {
      const group = (service: string) => instances.filter((i) => i.service === service).map((i) => ({ name: i.name, port: i.port }));
      balancer = await startBalancer({
        dir: path.join(opts.dataDir, 'haproxy'),
        services: [
          ...(opts.gateway !== false ? [{ name: 'gateway', front: { host: process.env.HOST ?? '0.0.0.0', port: opts.gatewayPort }, servers: group('gateway') }] : []),
          ...SUBGRAPHS.map(({ name }) => ({ name, front: { host: '127.0.0.1', port: opts.subgraphPorts[name]! }, servers: group(name) })),
        ],
        output: (line) => output('haproxy', line),
      });
    }
    const subgraphInstances = instances.filter((i) => isSubgraph(i.service));
    // The first instance of each subgraph creates, migrates and seeds its database; then the others.
    const firsts = subgraphInstances.filter((i) => !balanced || i.name.endsWith('-1'));
    // The gateways start beside them: they read the supergraph from its file, not from the
    // subgraphs, so their ~2 s of loading overlaps the subgraphs' instead of following it.
    const gateways = Promise.all(instances.filter((i) => i.service === 'gateway').map((i) => startGateway(i.name, i.port, instanceEnv)));
    gateways.catch(() => {}); // awaited below; a failure surfaces there
    await Promise.all([embedded?.ready, ...firsts.map((i) => startSubgraph(i.name))]);
    await Promise.all(subgraphInstances.filter((i) => !firsts.includes(i)).map((i) => startSubgraph(i.name)));
    await gateways;
    // Ready instances are routed to only once HAProxy's next health check has seen them.
    await balancer?.allUp(startTimeout);
    seedsReleased = true;
    for (const child of seedsWanted) tellSeed(child);
    seedsWanted.clear();
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    gatewayUrl: `http://127.0.0.1:${opts.gatewayPort}/graphql`,
    subgraphUrls,
    databaseUrl,
    processes,
    instances,
    balancer,
    restartInstance,
    startSubgraph,
    startGateway,
    stopProcess,
    stop,
  };
}

/**
 * One process outside any stack, started like a stack's service (a compiled bundle on plain Node,
 * TypeScript through tsx, or a .js as it is) but never restarted: `pnpm bench gateway --pin`
 * starts the gateways under test this way, pinned to `cpus`, so they outlive the stack that
 * recorded their subgraphs' answers. Resolves once `upUrl` answers with a status `up` accepts;
 * rejects if the process exits first. `stop()` is SIGTERM, then SIGKILL after a grace period.
 */
export async function startLoneProcess(
  name: string,
  entry: string,
  opts: { args?: string[]; env: NodeJS.ProcessEnv; cpus?: string; upUrl: string; up?: (status: number) => boolean; output: (name: string, line: string) => void; timeoutMs?: number },
): Promise<Supervised> {
  const script = SERVICE_LOADER === 'bundle' && entry.endsWith('.ts') ? (await compileServices([entry])).get(entry)! : entry;
  const service = supervise(name, () => launch(name, script, opts.env, opts.output, opts.args, opts.cpus), DEFAULT_RESTART, {
    log: (line) => opts.output('supervisor', line),
    restartAllowed: () => false,
  });
  try {
    await waitUntilUp(opts.upUrl, service, name, opts.timeoutMs ?? (Number(process.env.START_TIMEOUT_MS) || 120_000), opts.up, 1);
  } catch (err) {
    await service.stop();
    throw err;
  }
  return service;
}

/** The embedded PostgreSQL, in a process of its own (see ops/postgres-process.ts for why), once it takes connections. */
export async function startPostgresProcess(dir: string, port: number, output: (name: string, line: string) => void) {
  const pg = spawnPostgresProcess(dir, port, output);
  await pg.ready;
  return pg;
}

/**
 * Starts the embedded PostgreSQL process; its `url` is known at once (ops/embedded-postgres.ts
 * makes it from the port), `ready` resolves once it takes connections.
 */
export function spawnPostgresProcess(dir: string, port: number, output: (name: string, line: string) => void) {
  const url = `postgres://postgres:cloudlab@127.0.0.1:${port}/postgres`;
  // Its bundle when `pnpm build` (or an earlier start) made a fresh one: ~1.5 s of CPU less than tsx.
  const script = SERVICE_LOADER === 'bundle' && upToDate(POSTGRES_ENTRY) ? bundlePath(POSTGRES_ENTRY) : POSTGRES_ENTRY;
  const child = spawn(process.execPath, [...(script.endsWith('.ts') ? ['--import', 'tsx'] : []), script, dir, String(port)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => chunk.split('\n').filter(Boolean).forEach((l) => output('postgres', l)));
  const ready = new Promise<void>((resolve, reject) => {
    let buffered = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const line = /^ready (\S+)$/m.exec(buffered);
      if (!line) return;
      if (line[1] === url) resolve();
      else reject(new Error(`embedded PostgreSQL answers at ${line[1]}, not at ${url} as the services were told`));
    });
    child.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited with code ${code} while starting`)));
  });
  return {
    url,
    ready,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

const GATEWAY_ENTRY = path.join(ROOT, 'gateway', 'src', 'main.ts');
const POSTGRES_ENTRY = path.join(ROOT, 'ops', 'postgres-process.ts');
const subgraphEntry = (name: string) => path.join(ROOT, 'subgraphs', name, 'src', 'server.ts');
/** Every program a stack runs, as `pnpm build` compiles them. */
export const SERVICE_ENTRIES = [GATEWAY_ENTRY, ...SUBGRAPHS.map(({ name }) => subgraphEntry(name)), POSTGRES_ENTRY];

/**
 * How service processes load their code: `bundle` (default) runs the one-file builds of ops/build.ts
 * on plain Node; `tsx` runs the TypeScript sources through tsx's loader, as before (no build step).
 */
const SERVICE_LOADER = process.env.SERVICE_LOADER === 'tsx' ? 'tsx' : 'bundle';

/**
 * Starts one service process: a compiled bundle (.js) on plain Node, else TypeScript through tsx.
 * `cpus` (e.g. "0"): the process and every thread it starts run on those CPUs only (taskset).
 * `ipc`: with an IPC channel to this process (a subgraph asks over it when to load its demo data).
 */
function launch(name: string, entry: string, env: NodeJS.ProcessEnv, output: (name: string, line: string) => void, args: string[] = [], cpus?: string, ipc = false) {
  // CLOUDLAB_CPU_PROFILE_DIR=dir: every process writes V8 CPU profiles (one per thread) to dir/<name>/ when it exits
  // (`pnpm bench gateway --profile`); open it in Chrome DevTools or speedscope.
  const profileDir = env.CLOUDLAB_CPU_PROFILE_DIR;
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.join(profileDir, name)}`] : [];
  const loader = entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const node = [process.execPath, ...profile, ...loader, entry, ...args];
  // taskset execs node in place: the child's pid is node's.
  const [command, ...rest] = cpus ? ['taskset', '-c', cpus, ...node] : node;
  const child = spawn(command!, rest, { cwd: ROOT, env, stdio: ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout!, child.stderr!]) {
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (buffered + chunk).split('\n');
      buffered = lines.pop()!;
      for (const line of lines) output(name, line);
    });
  }
  return child;
}

/**
 * A process that exits while starting is restarted by its supervisor, so a passing cause (the
 * database refusing connections for a moment) does not fail the whole start; one that exits
 * STARTUP_ATTEMPTS times (a wrong setting, a bug) does.
 */
const STARTUP_ATTEMPTS = 3;
async function waitUntilUp(url: string, service: Supervised, name: string, timeoutMs = 120_000, up: (status: number) => boolean = (status) => status === 200, attempts = STARTUP_ATTEMPTS) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { child } = service;
    const exit = child.exitCode ?? child.signalCode;
    if (exit !== null && service.restarts >= attempts - 1) {
      throw new Error(`${name} exited ${attempts > 1 ? `${attempts} times ` : ''}while starting (last: ${exit})`);
    }
    const answer = await probe(url, 1000);
    if (answer && up(answer.status)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} did not come up at ${url} within ${timeoutMs} ms`);
}

/**
 * GET `url` (plain http) → its status and body, or undefined when nothing answers within
 * `timeoutMs`. A port that refuses is found with a bare TCP connect first: a start polls a dozen
 * services ten times a second, and an HTTP client per refused attempt cost `pnpm start` ~2 s of CPU.
 */
export async function probe(url: string, timeoutMs: number): Promise<{ status: number; body: string } | undefined> {
  const { hostname, port } = new URL(url);
  const host = hostname.replace(/^\[|\]$/g, '');
  const listening = await new Promise<boolean>((resolve) => {
    const socket = net.connect(Number(port) || 80, host);
    socket.setTimeout(timeoutMs, () => socket.destroy());
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(false));
  });
  if (!listening) return undefined;
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

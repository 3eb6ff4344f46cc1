import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { gatewayAuthHeaders } from '@cloudlab/kit';
import { ROOT } from '../stack';
import type { LoadResult } from './load';
import { metricsUrl } from '@cloudlab/kit/metrics-server';

const run = promisify(execFile);

/** Runs ops/bench/load.ts in its own process (so it does not share the measured process's CPU budget). */
export async function load(url: string, body: string, connections: number, seconds: number): Promise<LoadResult> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(__dirname, 'load.ts'), url, body, String(connections), String(seconds)], { cwd: ROOT });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadResult;
}

/** CPU time (user + system) of a process so far, in ms; 0 once it is gone. */
export function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks (USER_HZ 100) → ms
  } catch {
    return 0;
  }
}

/** Every PostgreSQL server process on this machine (the embedded server's, or the one DATABASE_URL names). */
export function postgresPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') pids.push(Number(entry));
    } catch {
      /* gone */
    }
  }
  return pids;
}

/** A process and all its descendants (a gateway with GATEWAY_WORKERS > 1 is a tree). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      /* gone */
    }
  }
  const out: number[] = [];
  const visit = (pid: number) => {
    out.push(pid);
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(root);
  return out;
}

export type CpuPerRequest = Record<string, number>;

/**
 * A load run, with the CPU time per answered request of each named process group (user + system,
 * from /proc): steadier than requests/s on a shared machine, and it shows where the time goes.
 * `postgres` is measured over every PostgreSQL process (backends come and go); a function gives
 * the pids at each sample (a process tree).
 */
export async function withCpu(groups: Record<string, number[] | 'postgres' | (() => number[])>, run: () => Promise<LoadResult>): Promise<LoadResult & { cpu_ms: CpuPerRequest }> {
  const sample = () => {
    const out: Record<string, number> = {};
    for (const [name, pids] of Object.entries(groups)) {
      out[name] = (pids === 'postgres' ? postgresPids() : typeof pids === 'function' ? pids() : pids).reduce((sum, pid) => sum + cpuMs(pid), 0);
    }
    return out;
  };
  const before = sample();
  const result = await run();
  const after = sample();
  const cpu: CpuPerRequest = {};
  for (const name of Object.keys(groups)) cpu[name] = result.requests ? Math.round(((after[name]! - before[name]!) / result.requests) * 100) / 100 : 0;
  return { ...result, cpu_ms: cpu };
}

/** Each CPU's busy and total time (clock ticks) from /proc/stat's `cpuN` lines. */
export function parseCoreTimes(procStat: string): Record<string, { busy: number; total: number }> {
  const out: Record<string, { busy: number; total: number }> = {};
  for (const line of procStat.split('\n')) {
    const m = /^(cpu\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    // user nice system idle iowait irq softirq steal …: idle and iowait are the idle ones.
    const ticks = m[2]!.trim().split(/\s+/).map(Number);
    const total = ticks.slice(0, 8).reduce((sum, n) => sum + n, 0);
    out[m[1]!] = { busy: total - ticks[3]! - (ticks[4] ?? 0), total };
  }
  return out;
}

/**
 * A run, with how busy each CPU was meanwhile (0–1, every process on the machine counted): shows
 * whether the pinned gateway filled its core, and whether the other core (load generator,
 * subgraphs) had room to spare.
 */
export async function withCoreBusy<R>(run: () => Promise<R>): Promise<R & { core_busy: Record<string, number> }> {
  const sample = () => parseCoreTimes(readFileSync('/proc/stat', 'utf8'));
  const before = sample();
  const result = await run();
  const after = sample();
  const busy: Record<string, number> = {};
  for (const [cpu, a] of Object.entries(after)) {
    const b = before[cpu];
    if (b && a.total > b.total) busy[cpu] = Math.round(((a.busy - b.busy) / (a.total - b.total)) * 100) / 100;
  }
  return { ...result, core_busy: busy };
}

export function peakRssMb(pid: number): number {
  try {
    const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return Math.round(kb / 1024);
  } catch {
    return 0;
  }
}

/** A POST that a subgraph accepts too (the gateway credential from INTERNAL_SECRET, as the stack shares it). */
export async function post(url: string, body: string): Promise<string> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...gatewayAuthHeaders(process.env.INTERNAL_SECRET) }, body });
  return res.text();
}

/** GraphQL over HTTP against a gateway: `call` returns the data or throws the GraphQL errors; `login` returns a demo user's token. */
export function gatewayClient(url: string) {
  const call = async (body: unknown, token?: string): Promise<any> => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as { data?: any; errors?: unknown };
    if (json.errors) throw new Error(JSON.stringify(json.errors));
    return json.data;
  };
  const login = async (email: string): Promise<string> =>
    (await call({ query: 'mutation($e: String!) { login(email: $e, password: "cloudlab-demo") { accessToken } }', variables: { e: email } })).login.accessToken;
  return { call, login };
}

/** The sum of a Prometheus metric's samples on a service's /metrics, on its internal metrics port (only lines containing `labelFilter`). */
export async function metric(baseUrl: string, name: string, labelFilter = ''): Promise<number> {
  const text = await (await fetch(metricsUrl(baseUrl))).text();
  return text
    .split('\n')
    .filter((l) => (l.startsWith(`${name} `) || l.startsWith(`${name}{`)) && l.includes(labelFilter))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

/** An OTLP endpoint that accepts and drops every span. */
export async function spanSink() {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

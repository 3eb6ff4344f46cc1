/**
 * The Dockerfile, linted offline (no Docker engine here, hadolint is not packaged for Debian):
 * dockerfile-utils' validator (syntax, instruction arguments, deprecated instructions) plus the
 * rules the deployment relies on.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { SUBGRAPHS } from '@cloudlab/kit/topology';

const ROOT = path.join(__dirname, '..');
const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const ignore = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
const instructions = dockerfile
  .replace(/\\\n\s*/g, ' ')
  .split('\n')
  .filter((l) => l.trim() && !l.trim().startsWith('#'))
  .map((l) => {
    const [op, ...rest] = l.trim().split(/\s+/);
    return { op: op!.toUpperCase(), args: rest.join(' ') };
  });

describe('Dockerfile', () => {
  it('passes the linter with no error or warning', () => {
    const problems = validate(dockerfile).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
    expect(problems).toEqual([]);
    // The linter does flag what it should (it is not a no-op here).
    expect(validate('FROM node:20\nMAINTAINER x\n').length).toBeGreaterThan(0);
  });

  it('multi-stage from one pinned base; the runtime stage runs as a non-root user with an exec-form entry point', () => {
    const base = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1];
    expect(base).toMatch(/^node:\d+\.\d+\.\d+-[a-z]+-slim$/);
    const froms = instructions.filter((i) => i.op === 'FROM');
    expect(froms.length).toBeGreaterThanOrEqual(2);
    expect(froms.every((f) => f.args.startsWith('${NODE_IMAGE}'))).toBe(true);
    const runtime = instructions.slice(instructions.findLastIndex((i) => i.op === 'FROM'));
    expect(runtime.find((i) => i.op === 'USER')?.args).toMatch(/^[1-9]\d*(:[1-9]\d*)?$/);
    expect(runtime.find((i) => i.op === 'ENTRYPOINT')?.args).toMatch(/^\[/);
    expect(runtime.filter((i) => i.op === 'RUN')).toEqual([]); // nothing installed in the runtime stage
  });

  it('installs production dependencies only, from the frozen lockfile, and tsx at the lockfile version', () => {
    const install = instructions.find((i) => i.op === 'RUN' && i.args.includes('pnpm install'))!.args;
    for (const flag of ['--frozen-lockfile', '--prod', '--ignore-scripts']) expect(install).toContain(flag);
    const lock = readFileSync(path.join(ROOT, 'pnpm-lock.yaml'), 'utf8');
    const tsx = /tsx@(\d+\.\d+\.\d+)/.exec(dockerfile)?.[1];
    expect(lock).toContain(`tsx@${tsx}`);
    const pnpm = /pnpm@(\d+\.\d+\.\d+)/.exec(dockerfile)?.[1];
    expect(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).packageManager).toBe(`pnpm@${pnpm}`);
  });

  it('every service entry point the manifests start is in the image', () => {
    for (const entry of ['gateway/src/main.ts', ...SUBGRAPHS.map((s) => `subgraphs/${s.name}/src/server.ts`)]) {
      expect(existsSync(path.join(ROOT, entry)), entry).toBe(true);
      expect(ignore.some((p) => entry.startsWith(p.replace(/^\/|\/$/g, '') + '/')), `${entry} is left out by .dockerignore`).toBe(false);
    }
  });

  it('.dockerignore keeps out node_modules, git, local data and secrets', () => {
    for (const p of ['**/node_modules', '.git', '.data', '**/.env*', 'gateway/api-keys.json']) expect(ignore).toContain(p);
  });
});

import type { ChildProcess } from 'node:child_process';
import { Backoff } from '@cloudlab/kit/events/backoff';

/** How a service process that dies on its own is brought back. */
export interface RestartPolicy {
  /** The first delay; each further crash doubles it (with jitter: half to all of it). */
  initialMs: number;
  maxMs: number;
  /** A process that stayed up this long counts as healthy: its next crash starts at `initialMs` again. */
  resetAfterMs: number;
}

export const DEFAULT_RESTART: RestartPolicy = { initialMs: 500, maxMs: 30_000, resetAfterMs: 60_000 };

export interface Supervised {
  /** The current process (a new one after each restart). */
  readonly child: ChildProcess;
  readonly restarts: number;
  /** A deliberate stop: SIGTERM (SIGKILL after `graceMs`), and no restart. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Keeps one service process running: when it exits without having been asked to (a crash, an
 * OOM kill, a `kill -9`), it is started again after a backoff, and the exit and restart are
 * reported through `log`. Only `stop()` ends it for good.
 */
export function supervise(
  name: string,
  spawnChild: () => ChildProcess,
  policy: RestartPolicy,
  hooks: {
    log: (line: string) => void;
    onRestart?: (child: ChildProcess) => void;
    /** false while the whole stack is stopping: Ctrl-C in a terminal signals every child at once. */
    restartAllowed?: () => boolean;
  },
): Supervised {
  const backoff = new Backoff(policy.initialMs, policy.maxMs);
  let child: ChildProcess;
  let startedAt = 0;
  let restarts = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const start = () => {
    child = spawnChild();
    startedAt = Date.now();
    const current = child;
    current.on('error', (err) => hooks.log(`${name}: ${err.message}`)); // e.g. a failed spawn; unhandled it would throw
    current.once('exit', (code, signal) => {
      if (stopped || current !== child || hooks.restartAllowed?.() === false) return;
      const upMs = Date.now() - startedAt;
      if (upMs >= policy.resetAfterMs) backoff.reset();
      const delay = backoff.next();
      hooks.log(`${name} (pid ${current.pid}) exited unexpectedly (${signal ?? `code ${code}`}) after ${(upMs / 1000).toFixed(1)} s; restarting in ${delay} ms`);
      timer = setTimeout(() => {
        timer = undefined;
        if (stopped || hooks.restartAllowed?.() === false) return;
        restarts++;
        start();
        hooks.log(`${name} restarted (pid ${child.pid}, restart #${restarts})`);
        hooks.onRestart?.(child);
      }, delay);
    });
  };
  start();

  return {
    get child() {
      return child;
    },
    get restarts() {
      return restarts;
    },
    async stop(graceMs = 10_000) {
      stopped = true;
      clearTimeout(timer);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(kill);
    },
  };
}

/**
 * Capped exponential backoff with jitter, shared by the relay, the buses and handler retries.
 * Jitter keeps several instances that failed together from retrying in lock step.
 */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly initialMs = 100,
    private readonly maxMs = 5_000,
  ) {}

  /** The delay before the next attempt: initial · 2^n, capped, then 50–100 % of that. */
  next(): number {
    const base = Math.min(this.maxMs, this.initialMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    return Math.round(base / 2 + (Math.random() * base) / 2);
  }

  get attempts(): number {
    return this.attempt;
  }

  reset(): void {
    this.attempt = 0;
  }
}

/** Resolves after `ms`, or at once when `signal` aborts (shutdown must not wait out a backoff). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * A level-triggered wake-up: `notify()` before `wait()` is not lost, which is what a poll loop
 * fed by LISTEN/NOTIFY needs (a notification may arrive while the loop is busy).
 */
export class Wakeup {
  private pending = false;
  private waiter: (() => void) | undefined;

  notify(): void {
    this.pending = true;
    this.waiter?.();
  }

  async wait(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (!this.pending) {
      const controller = new AbortController();
      const onAbort = () => controller.abort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiter = () => controller.abort();
      await sleep(timeoutMs, controller.signal);
      this.waiter = undefined;
      signal?.removeEventListener('abort', onAbort);
    }
    this.pending = false;
  }
}

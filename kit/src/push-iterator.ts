/**
 * An async generator fed from outside: event sources `push` into it, a GraphQL subscription
 * consumes it with `for await`. The queue is bounded: a consumer that falls `maxQueue` values
 * behind is ended with an error instead of growing memory without limit (a live stream that far
 * behind is no longer live). `onClose` runs once, whichever side finishes first, so listeners are
 * always unregistered.
 */
export interface PushIterator<T> extends AsyncGenerator<T, void, undefined> {
  /** Queues a value; false when the iterator is closed (or just closed for overflowing). */
  push(value: T): boolean;
  /** Ends the stream: queued values are still delivered, then `error` is thrown if given. */
  end(error?: unknown): void;
  readonly closed: boolean;
}

export class QueueOverflowError extends Error {
  constructor(readonly limit: number) {
    super(`subscriber fell more than ${limit} events behind`);
  }
}

export function pushIterator<T>(opts: { maxQueue?: number; onClose?: () => void } = {}): PushIterator<T> {
  const maxQueue = opts.maxQueue ?? 1000;
  const queue: T[] = [];
  let waiter: { resolve: (r: IteratorResult<T, void>) => void; reject: (err: unknown) => void } | undefined;
  let ended = false;
  let failure: { error: unknown } | undefined;
  let cleaned = false;

  const cleanup = () => {
    if (cleaned) return;
    cleaned = true;
    try {
      opts.onClose?.();
    } catch {
      /* a listener that fails to unregister must not break the consumer */
    }
  };
  const finish = (): IteratorResult<T, void> => ({ value: undefined, done: true });

  const it: PushIterator<T> = {
    get closed() {
      return ended;
    },
    push(value) {
      if (ended) return false;
      if (waiter) {
        const w = waiter;
        waiter = undefined;
        w.resolve({ value, done: false });
        return true;
      }
      if (queue.length >= maxQueue) {
        queue.length = 0;
        it.end(new QueueOverflowError(maxQueue));
        return false;
      }
      queue.push(value);
      return true;
    },
    end(error) {
      if (ended) return;
      ended = true;
      if (error !== undefined) failure = { error };
      cleanup();
      if (waiter && !queue.length) {
        const w = waiter;
        waiter = undefined;
        if (failure) {
          const { error: e } = failure;
          failure = undefined;
          w.reject(e);
        } else w.resolve(finish());
      }
    },
    async next() {
      if (queue.length) return { value: queue.shift()!, done: false };
      if (ended) {
        if (failure) {
          const { error } = failure;
          failure = undefined;
          throw error;
        }
        return finish();
      }
      return new Promise<IteratorResult<T, void>>((resolve, reject) => (waiter = { resolve, reject }));
    },
    async return() {
      ended = true;
      queue.length = 0;
      failure = undefined;
      cleanup();
      waiter?.resolve(finish());
      waiter = undefined;
      return finish();
    },
    async throw(error) {
      await it.return();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return it;
    },
  };
  return it;
}

/**
 * `source` with `fn` applied to each value; values `fn` maps to `undefined` are skipped.
 * Unlike an `async function*` wrapper, `return()` reaches the source at once even while a
 * `next()` is waiting for it, so a client that leaves releases its listener immediately rather
 * than at the next event.
 */
export function mapStream<T, U>(source: AsyncIterator<T>, fn: (value: T) => Promise<U | undefined> | U | undefined): AsyncGenerator<U, void, undefined> {
  const done = (): IteratorResult<U, void> => ({ value: undefined, done: true });
  const it: AsyncGenerator<U, void, undefined> = {
    async next() {
      for (;;) {
        const r = await source.next();
        if (r.done) return done();
        let mapped: U | undefined;
        try {
          mapped = await fn(r.value);
        } catch (err) {
          await source.return?.();
          throw err;
        }
        if (mapped !== undefined) return { value: mapped, done: false };
      }
    },
    async return() {
      await source.return?.();
      return done();
    },
    async throw(error) {
      await source.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return it;
    },
  };
  return it;
}

/** One request of a load run: when it was sent and answered, and what went wrong if anything. */
export interface Sample {
  start: number;
  end: number;
  ok: boolean;
  error?: string;
}

export interface Load {
  samples: Sample[];
  /** Requests sent and not yet answered right now. */
  readonly inFlight: number;
  /** Stops sending; resolves once every loop's last request is answered. */
  stop(): Promise<Sample[]>;
}

/**
 * `concurrency` loops, each sending `request` again as soon as its last one is answered (a
 * browsing user without think time). `request` resolves to an error message, or undefined when
 * the answer was what a user expects; a throw (refused connection, reset) counts as failed too.
 */
export function runLoad(concurrency: number, request: (loop: number) => Promise<string | undefined>): Load {
  const samples: Sample[] = [];
  let running = true;
  let inFlight = 0;
  const loops = Array.from({ length: concurrency }, async (_, loop) => {
    while (running) {
      const start = performance.now();
      inFlight++;
      let error: string | undefined;
      try {
        error = await request(loop);
      } catch (err) {
        const e = err as Error & { cause?: Error };
        error = `${e.message}${e.cause ? `: ${e.cause.message}` : ''}`;
      }
      inFlight--;
      samples.push({ start, end: performance.now(), ok: !error, error });
    }
  });
  return {
    samples,
    get inFlight() {
      return inFlight;
    },
    async stop() {
      running = false;
      await Promise.all(loops);
      return samples;
    },
  };
}

/** A GraphQL POST whose answer must be 200 with data and no errors; the error message otherwise. */
export async function graphqlOk(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  opts: { operationName?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<string | undefined> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...opts.headers },
    body: JSON.stringify({ query, variables, operationName: opts.operationName }),
    signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
  });
  const text = await res.text();
  if (res.status !== 200) return `HTTP ${res.status}: ${text.slice(0, 200)}`;
  const body = JSON.parse(text) as { data?: unknown; errors?: { message: string }[] };
  if (body.errors?.length) return `errors: ${body.errors.map((e) => e.message).join('; ').slice(0, 200)}`;
  if (!body.data) return 'no data';
  return undefined;
}

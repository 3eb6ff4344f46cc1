/**
 * Runs `work` one run at a time, for a subgraph's timers (server/events.ts). `tick()`: the
 * interval's call, skipped while a run is going (the next tick comes soon). `kick()`: "there is
 * new work" (the consumer committed events): runs now, or once more right after the run going
 * on, however many kicks came meanwhile. Nothing starts once `stopped()`.
 */
export function oneAtATime(work: () => Promise<void>, stopped: () => boolean = () => false) {
  let running = false;
  let again = false;
  const run = (): void => {
    running = true;
    again = false;
    void work().finally(() => {
      running = false;
      if (again && !stopped()) run();
    });
  };
  return {
    tick(): void {
      if (!running && !stopped()) run();
    },
    kick(): void {
      if (running) again = true;
      else if (!stopped()) run();
    },
  };
}

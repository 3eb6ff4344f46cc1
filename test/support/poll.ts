/** Polls `check` every 50 ms until it is truthy, and returns that value; fails after `ms`. */
export async function until<T>(check: () => Promise<T>, what: string, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

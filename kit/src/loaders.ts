import DataLoader from 'dataloader';

/** Keys compare case-insensitively: they are UUIDs, which Postgres returns in lower case. */
const keyText = (k: unknown) => String(k).toLowerCase();

/**
 * A per-request DataLoader for "one row (or null) per key": `fetch` gets all keys collected in
 * one tick and returns rows in any order; `keyOf` says which key a row belongs to.
 */
export function oneByKey<K, R>(fetch: (keys: readonly K[]) => Promise<R[]>, keyOf: (row: R) => K) {
  return new DataLoader<K, R | null, string>(
    async (keys) => {
      const byKey = new Map<string, R>();
      for (const row of await fetch(keys)) byKey.set(keyText(keyOf(row)), row);
      return keys.map((k) => byKey.get(keyText(k)) ?? null);
    },
    { cacheKeyFn: keyText },
  );
}

/** A per-request DataLoader for "a list of rows per key" (empty list when none). */
export function manyByKey<K, R>(fetch: (keys: readonly K[]) => Promise<R[]>, keyOf: (row: R) => K) {
  return new DataLoader<K, R[], string>(
    async (keys) => {
      const byKey = new Map<string, R[]>();
      for (const row of await fetch(keys)) {
        const k = keyText(keyOf(row));
        const list = byKey.get(k);
        if (list) list.push(row);
        else byKey.set(k, [row]);
      }
      return keys.map((k) => byKey.get(keyText(k)) ?? []);
    },
    { cacheKeyFn: keyText },
  );
}

/**
 * For keys with arguments (e.g. `reviews(first: 5)` per product): batches per distinct argument
 * set, so products asking for the same page size share one statement. `fetch` must answer every
 * key (an empty page, say); a key it leaves out fails that one load with an error.
 */
export function groupedByArgs<K, A, R>(fetch: (keys: readonly K[], args: A) => Promise<Map<string, R>>) {
  return new DataLoader<{ key: K; args: A }, R, string>(
    async (items) => {
      const groups = new Map<string, { args: A; keys: K[] }>();
      for (const { key, args } of items) {
        const id = JSON.stringify(args);
        const g = groups.get(id) ?? { args, keys: [] };
        g.keys.push(key);
        groups.set(id, g);
      }
      const results = new Map<string, R>();
      await Promise.all(
        [...groups.entries()].map(async ([argId, g]) => {
          const got = await fetch(g.keys, g.args);
          for (const [k, v] of got) results.set(`${argId}|${keyText(k)}`, v);
        }),
      );
      return items.map(({ key, args }) => {
        const found = results.get(`${JSON.stringify(args)}|${keyText(key)}`);
        return found === undefined ? new Error(`no result for ${String(key)}`) : found;
      });
    },
    { cacheKeyFn: ({ key, args }) => `${JSON.stringify(args)}|${keyText(key)}` },
  );
}

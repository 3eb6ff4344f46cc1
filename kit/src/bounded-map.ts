/**
 * The project's one bounded LRU map: keeps at most `max` entries, forgetting the least recently
 * used (`onEvict` hears of each entry it forgets). For per-document verdicts, verified tokens, signed identities and query plans, which
 * repeat for a few keys and must not grow without bound on a stream of distinct ones.
 * Values should be plain data: an entry that holds an Error (V8 keeps its unformatted stack
 * frames, receivers and all) or a request object keeps that request alive as long as it stays.
 */
export function boundedMap<K, V>(max: number, onEvict?: (key: K, value: V) => void) {
  const map = new Map<K, V>();
  return {
    get(key: K): V | undefined {
      if (!map.has(key)) return undefined;
      const value = map.get(key)!;
      map.delete(key); // re-insert: Map keeps insertion order, so the oldest is first
      map.set(key, value);
      return value;
    },
    set(key: K, value: V) {
      map.delete(key);
      map.set(key, value);
      if (map.size <= max) return;
      const [oldest, evicted] = map.entries().next().value as [K, V];
      map.delete(oldest);
      onEvict?.(oldest, evicted);
    },
    delete(key: K) {
      return map.delete(key);
    },
    clear() {
      map.clear();
    },
    get size() {
      return map.size;
    },
  };
}

export type BoundedMap<K, V> = ReturnType<typeof boundedMap<K, V>>;

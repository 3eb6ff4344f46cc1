/**
 * A Map that keeps at most `max` entries, forgetting the least recently used: for per-document
 * verdicts, which repeat for a few documents and must not grow without bound on ad-hoc ones.
 */
export function boundedMap<K, V>(max: number) {
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
      if (map.size > max) map.delete(map.keys().next().value as K);
    },
    get size() {
      return map.size;
    },
  };
}

/**
 * @apollo/gateway's `deepMerge` (utilities/deepMerge.ts), step for step — same property
 * definitions (`defineOwn`), same order, same failures — with each value read once and no
 * helper calls per key. It is the one merge of every fetch result into the response data.
 */
const hasOwn = Object.prototype.hasOwnProperty;
const isArray = Array.isArray;

/** Stock `isObject`: a non-null, non-array object. */
function isObject(value: unknown): value is Record<string, any> {
  return value !== undefined && value !== null && typeof value === 'object' && !isArray(value);
}

export function deepMerge(target: any, source: any): any {
  if (source === undefined || source === null) return target;
  const keys = Object.keys(source);
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    const value = source[key];
    if (value === undefined) continue;
    // Stock `defineOwn`: never write through to a property of the prototype chain.
    if (!hasOwn.call(target, key) && key in target) {
      Object.defineProperty(target, key, { configurable: true, enumerable: true, value: undefined, writable: true });
    }
    const existing = target[key];
    if (existing && isObject(value)) {
      deepMerge(existing, value);
    } else if (isArray(value) && isArray(existing) && value.length === existing.length) {
      for (let i = 0; i < value.length; i++) {
        const s = value[i];
        const t = existing[i];
        if (isObject(t) && isObject(s)) deepMerge(t, s);
        else existing[i] = s;
      }
    } else {
      target[key] = value;
    }
  }
  return target;
}

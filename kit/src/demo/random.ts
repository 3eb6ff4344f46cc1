import { createHash } from 'node:crypto';

/** mulberry32: a small, fast, seeded PRNG. The same seed gives the same sequence everywhere. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
}

/** A PRNG for one entity, so any process can derive entity i without generating 0..i-1. */
export function rngFor(kind: string, index: number, seed: number) {
  return prng(createHash('sha256').update(`${seed}:${kind}:${index}`).digest().readUInt32LE(0));
}

/**
 * A deterministic UUID for a demo entity: subgraphs that seed separately derive the same ids
 * for the same entities, so their rows join across the supergraph.
 */
export function demoId(kind: string, key: string | number): string {
  const h = createHash('sha256').update(`cloudlab-demo:${kind}:${key}`).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

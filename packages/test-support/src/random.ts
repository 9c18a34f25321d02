/** Deterministic randomness for the tests that generate their inputs (fuzzing, differential tests). */

/** mulberry32: a small seeded PRNG, so a failing case can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Random = ReturnType<typeof prng>;

/** An integer in [0, max). */
export const int = (random: Random, max: number) => Math.floor(random() * max);

/** One of `items`. */
export const pick = <T>(random: Random, items: readonly T[]): T =>
  items[int(random, items.length)]!;

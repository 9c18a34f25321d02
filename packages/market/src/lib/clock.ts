/** @internal Milliseconds since `started` (a `performance.now()`), to 0.01 ms. */
export function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}

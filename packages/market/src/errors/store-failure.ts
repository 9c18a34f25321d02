/**
 * Marks an error as a store failure. The stores of this package (SQLite), `neverlose-redis` and
 * `neverlose-postgres` set it on the errors that mean the store could not do its part now
 * (unreachable, timed out, read-only, full, refusing the credentials); a store of your own can
 * set it too: `Object.assign(error, { [STORE_FAILURE]: true })`.
 */
export const STORE_FAILURE: unique symbol = Symbol.for('neverlose.store-failure') as never;

/**
 * True when `error`, or an error in its `cause` chain, is a store failure (see
 * {@link STORE_FAILURE}): the operation was not done and may be tried again later. The webhook
 * handlers answer such a failure of the dedup store or of your `onEvent` with 503 and
 * `Retry-After`; a journaled money call that fails with one sent nothing.
 *
 * @example
 * ```ts
 * app.use((error, req, res, next) => {
 *   if (isStoreFailure(error)) return res.status(503).set('retry-after', '5').end();
 *   next(error);
 * });
 * ```
 */
export function isStoreFailure(error: unknown): boolean {
  let current = error;
  for (let depth = 0; depth < 8; depth++) {
    if (current === null || typeof current !== 'object') return false;
    if ((current as { [STORE_FAILURE]?: unknown })[STORE_FAILURE] === true) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

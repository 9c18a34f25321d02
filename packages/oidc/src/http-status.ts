import { isNeverloseOidcError, isSetupError, isUserError } from './errors.js';

/** The statuses a failed login is answered with. */
export type LoginFailureStatus = 400 | 403 | 502 | 503;

/**
 * The HTTP status to answer a failed login with, the same on every surface (a Web handler,
 * passport-neverlose, Hono, an example app):
 *
 * - `403`: the user refused (`ERR_ACCESS_DENIED`) or must sign in first (`ERR_LOGIN_REQUIRED`).
 * - `400`: any other user error ({@link isUserError}): a bad `returnTo` or request, a stale,
 *   replayed, forged or foreign callback, a login cookie that did not come back.
 * - `503`: try again shortly (send `Retry-After`): `ERR_TEMPORARILY_UNAVAILABLE`, a full
 *   transaction store (`ERR_TRANSACTION_STORE_FULL`, whichever package's store threw it), and a
 *   store that could not do its part now (unreachable, timed out, read-only): an error marked
 *   `Symbol.for('neverlose.store-failure')`, as neverlose-redis's and neverlose-postgres's are (a
 *   store of your own can set it too), or caused by one.
 * - `502`: the provider or the network failed or refused: discovery, the token endpoint (its
 *   errors, a 500, an answer that is not JSON), the id_token, userinfo, a timeout, a refused
 *   client (`ERR_INVALID_CLIENT`, `ERR_UNAUTHORIZED_CLIENT`, both logged for the developer).
 * - `undefined`: not a login failure but a bug or a configuration error (`ERR_INVALID_OPTION`,
 *   `ERR_INVALID_ARGUMENT`, `ERR_MIDDLEWARE_MISSING`, `ERR_RUNTIME_UNSUPPORTED`, `ERR_COOKIE_TOO_LARGE`, anything uncoded): let it reach the app's 500 handler.
 *
 * Nobody is signed in for any of them.
 *
 * @example
 * ```ts
 * const status = httpStatusOf(error);
 * if (status === undefined) throw error; // a bug: the 500 handler
 * return new Response(`Login failed (${error.code}).`, { status });
 * ```
 */
export function httpStatusOf(error: unknown): LoginFailureStatus | undefined {
  if ((error as { code?: unknown } | null)?.code === 'ERR_TRANSACTION_STORE_FULL') return 503;
  if (isStoreFailure(error)) return 503;
  if (!isNeverloseOidcError(error)) return undefined;
  if (isUserError(error)) {
    return error.code === 'ERR_ACCESS_DENIED' || error.code === 'ERR_LOGIN_REQUIRED' ? 403 : 400;
  }
  switch (error.code) {
    case 'ERR_TEMPORARILY_UNAVAILABLE':
      return 503;
    default:
      return isSetupError(error) ? undefined : 502;
  }
}

/** The mark every Neverlose package sets on a store's failure (`neverlose-market`'s `STORE_FAILURE`). */
const STORE_FAILURE = Symbol.for('neverlose.store-failure');

/** True when `error`, or an error of its `cause` chain, is marked as a store failure. */
function isStoreFailure(error: unknown): boolean {
  let current = error;
  for (let depth = 0; depth < 8; depth++) {
    if (typeof current !== 'object' || current === null) return false;
    if ((current as { [STORE_FAILURE]?: unknown })[STORE_FAILURE] === true) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { isNeverloseOidcError, NeverloseOidcError, validateReturnTo } from 'neverlose-oidc';

/** `returnTo` as a header-safe path, or `undefined` when it is absent or not a safe path. */
function safePath(value: unknown): string | undefined {
  try {
    return validateReturnTo(value);
  } catch {
    return undefined;
  }
}

/**
 * Express handler for the end of the callback route: redirects to the `returnTo` the login
 * started with (`req.authInfo.returnTo`, which Passport's session regeneration does not erase),
 * or to `fallback`.
 *
 * It never throws, so it is safe to call from a callback (`req.logIn(user, () => ...)`), where a
 * throw would stop the process. `returnTo` goes through `validateReturnTo` of neverlose-oidc:
 * a same-origin path is sent percent-encoded as printable ASCII, anything else is replaced by
 * `fallback`. When the response has already started, it is only ended.
 *
 * @param fallback Where to go without a usable `returnTo`: a same-origin path, checked now.
 *   Default `'/'`.
 * @throws {NeverloseOidcError} `ERR_INVALID_ARGUMENT` when `fallback` is not a same-origin path
 *   (when the handler is created, never when it runs).
 * @example
 * ```ts
 * app.get('/auth/neverlose/callback',
 *   passport.authenticate('neverlose', { failureRedirect: '/login' }),
 *   redirectToReturnTo('/'));
 * ```
 */
export function redirectToReturnTo(
  fallback = '/',
): (req: IncomingMessage & { authInfo?: unknown }, res: ServerResponse) => void {
  let home: string;
  try {
    home = validateReturnTo(fallback);
  } catch (error) {
    throw new NeverloseOidcError(
      'ERR_INVALID_ARGUMENT',
      `Invalid argument "fallback" of redirectToReturnTo: ${isNeverloseOidcError(error) ? error.message : 'must be a same-origin path'}`,
    );
  }
  return (req, res) => {
    try {
      const returnTo = (req.authInfo as { returnTo?: unknown } | undefined)?.returnTo;
      if (!res.headersSent) {
        res.statusCode = 302;
        res.setHeader('location', safePath(returnTo) ?? home);
      }
      res.end();
    } catch {
      // Nothing above can throw with the values it is given; a broken response object could.
      res.destroy();
    }
  };
}

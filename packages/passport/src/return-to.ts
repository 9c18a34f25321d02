import type { IncomingMessage, ServerResponse } from 'node:http';
import { isSafeReturnTo } from 'neverlose-oidc';

/**
 * Express handler for the end of the callback route: redirects to the `returnTo` the login
 * started with (`req.authInfo.returnTo`, which Passport's session regeneration does not erase),
 * or to `fallback`.
 *
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
  return (req, res) => {
    const returnTo = (req.authInfo as { returnTo?: unknown } | undefined)?.returnTo;
    const location = isSafeReturnTo(returnTo) ? returnTo : fallback;
    res.statusCode = 302;
    res.setHeader('location', location);
    res.end();
  };
}

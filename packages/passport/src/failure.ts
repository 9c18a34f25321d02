import type { NeverloseOidcUserErrorCode } from 'neverlose-oidc';

/**
 * Codes of the failures the strategy ends a request with (Passport's `fail`): what the user did,
 * from {@link NeverloseOidcUserErrorCode}, and the two "try again shortly" codes.
 */
export type NeverloseFailureCode =
  | NeverloseOidcUserErrorCode
  | 'ERR_TRANSACTION_STORE_FULL'
  | 'ERR_TEMPORARILY_UNAVAILABLE';

/**
 * The challenge of a failure: Passport's `info` in a custom callback, and what `failureMessage`
 * stores. A `verify` that calls `done(null, false, info)` fails with its own `info` instead. The
 * status of the failure is neverlose-oidc's `httpStatusOf`: 403 for a refused consent, 400 for a
 * bad, stale, replayed, forged or foreign callback, 503 to try again shortly.
 */
export interface NeverloseFailure {
  readonly code: NeverloseFailureCode;
  /** Says what happened; for logs, or for the page when it is in your language. */
  readonly message: string;
}

/**
 * True when Passport's `info` is a failure of this strategy: narrows it, for a custom callback.
 *
 * @example
 * ```ts
 * passport.authenticate('neverlose', (error, user, info, status) => {
 *   if (isNeverloseFailure(info) && info.code === 'ERR_ACCESS_DENIED') return res.redirect('/');
 * });
 * ```
 */
export function isNeverloseFailure(info: unknown): info is NeverloseFailure {
  if (typeof info !== 'object' || info === null) return false;
  const { code, message } = info as { code?: unknown; message?: unknown };
  return typeof code === 'string' && code.startsWith('ERR_') && typeof message === 'string';
}

import { NeverloseOidcError, type OAuthErrorResponse } from '../errors.js';
import { quote } from '../lib/quote.js';
import type { AuthorizationTransaction } from '../transaction/transaction.js';

/**
 * The callback as the framework hands it over: the full URL (string or `URL`), the path with its
 * query (`req.originalUrl`), or a Web `Request` (GET).
 */
export type CallbackInput = string | URL | Request;

const SINGLE = ['code', 'state', 'iss', 'error', 'error_description'] as const;

/** Errors of OIDC Core §3.1.2.6: the user must see a page, and `prompt=none` forbade it. */
const INTERACTION_NEEDED = new Set([
  'login_required',
  'consent_required',
  'interaction_required',
  'account_selection_required',
]);

/** The error of a callback that carries `error` (RFC 6749 §4.1.2.1, OIDC Core §3.1.2.6). */
function authorizationError(oauthError: OAuthErrorResponse): NeverloseOidcError {
  const { error, errorDescription } = oauthError;
  const answered = `${quote(error)}${errorDescription === undefined ? '' : ` (${quote(errorDescription)})`}`;
  if (error === 'access_denied') {
    return new NeverloseOidcError(
      'ERR_ACCESS_DENIED',
      'The user denied access to their Neverlose account.',
      { oauthError },
    );
  }
  if (INTERACTION_NEEDED.has(error)) {
    return new NeverloseOidcError(
      'ERR_LOGIN_REQUIRED',
      `Neverlose needs the user to sign in or consent, and the request asked for no page (prompt=none): it answered ${answered}. Start the login again without prompt=none.`,
      { oauthError },
    );
  }
  if (error === 'unauthorized_client') {
    return new NeverloseOidcError(
      'ERR_UNAUTHORIZED_CLIENT',
      `Neverlose does not let this client make this authorization request: it answered ${answered} (the no_pkce scope needs their permission).`,
      { oauthError },
    );
  }
  if (error === 'temporarily_unavailable') {
    return new NeverloseOidcError(
      'ERR_TEMPORARILY_UNAVAILABLE',
      `Neverlose is temporarily unavailable: it answered ${answered}. Try again later.`,
      { oauthError },
    );
  }
  return new NeverloseOidcError(
    'ERR_AUTHORIZATION_ERROR',
    `Neverlose answered the authorization request with ${answered}.`,
    { oauthError },
  );
}

/** @internal The callback's URL; a relative path is read against the transaction's redirect URI. */
export function callbackUrl(
  callback: CallbackInput,
  base: string,
): { url: URL; relative: boolean } {
  if (callback instanceof URL) return { url: callback, relative: false };
  if (typeof callback === 'string') {
    if (callback.startsWith('/') && !callback.startsWith('//')) {
      return { url: new URL(callback, base), relative: true };
    }
    if (URL.canParse(callback)) return { url: new URL(callback), relative: false };
  } else if (typeof Request !== 'undefined' && callback instanceof Request) {
    if (callback.method !== 'GET') {
      throw new NeverloseOidcError(
        'ERR_CALLBACK_INVALID',
        `The callback must be a GET request, not ${quote(callback.method)}.`,
      );
    }
    return { url: new URL(callback.url), relative: false };
  }
  throw new NeverloseOidcError(
    'ERR_INVALID_ARGUMENT',
    'Invalid callback: pass the callback URL (string or URL), its path and query, or a Request.',
  );
}

/** The `state` parameter of a callback, to find its transaction in a store. */
export function callbackState(callback: CallbackInput): string | undefined {
  const { url } = callbackUrl(callback, 'https://callback.invalid/');
  return url.searchParams.get('state') ?? undefined;
}

/**
 * @internal Checks the callback against its transaction before any request is made: the
 * redirect URI, a single value per parameter, `iss` (RFC 9207: present when `issRequired`, and
 * the transaction's issuer when present), `state`, the provider's `error`, and the presence of
 * `code`. Pure.
 */
export function checkCallback(
  url: URL,
  relative: boolean,
  tx: AuthorizationTransaction,
  issRequired: boolean,
): URLSearchParams {
  const expected = new URL(tx.redirectUri);
  const samePlace = relative
    ? url.pathname === expected.pathname
    : url.origin === expected.origin && url.pathname === expected.pathname;
  if (!samePlace) {
    throw new NeverloseOidcError(
      'ERR_TRANSACTION_MISMATCH',
      `The callback arrived at ${url.origin}${url.pathname}, but the login was started for ${expected.origin}${expected.pathname}.`,
    );
  }
  const params = url.searchParams;
  for (const name of SINGLE) {
    if (params.getAll(name).length > 1) {
      throw new NeverloseOidcError(
        'ERR_CALLBACK_INVALID',
        `The callback carries "${name}" more than once.`,
      );
    }
  }
  const iss = params.get('iss');
  if (iss === null && issRequired) {
    throw new NeverloseOidcError(
      'ERR_ISSUER_MISMATCH',
      `The callback has no "iss" parameter, although ${tx.issuer} sends it with every callback (RFC 9207): it did not come from the provider as is.`,
    );
  }
  if (iss !== null && iss !== tx.issuer) {
    throw new NeverloseOidcError(
      'ERR_ISSUER_MISMATCH',
      `The callback's "iss" is ${quote(iss)}, not the expected issuer "${tx.issuer}" (RFC 9207).`,
    );
  }
  if (tx.state !== undefined && params.get('state') !== tx.state) {
    throw new NeverloseOidcError(
      'ERR_STATE_MISMATCH',
      params.has('state')
        ? 'The callback "state" does not belong to this login transaction.'
        : 'The callback has no "state" parameter.',
    );
  }
  const error = params.get('error');
  if (error !== null) {
    const description = params.get('error_description') ?? undefined;
    const oauthError: OAuthErrorResponse = {
      error,
      ...(description === undefined ? {} : { errorDescription: description }),
    };
    throw authorizationError(oauthError);
  }
  if (!params.get('code')) {
    throw new NeverloseOidcError('ERR_CALLBACK_INVALID', 'The callback has no "code" parameter.');
  }
  return params;
}

import { NeverloseOidcError } from '../errors.js';

/**
 * The cookie that brings a login back to the browser that started it: set on the redirect to the
 * provider, read and deleted on the callback. It holds the browser binding (a transaction in a
 * store) or the sealed transaction (`createSealedCookieCodec`).
 *
 * Its attributes: `HttpOnly` (no script reads it), `SameSite=Lax` (sent on the provider's
 * top-level redirect back, not on cross-site subrequests), `Path=/`, `Max-Age` of the transaction
 * lifetime; on an `https:` redirect URI also `Secure` and the `__Host-` name prefix, so that no
 * other host (a sibling subdomain) and no plain-HTTP page can set it for the app: a cookie an
 * attacker could plant would bind the victim's browser to the attacker's login.
 */
export interface LoginCookie {
  /**
   * `__Host-nl_login.<state>` for an `https:` redirect URI, `nl_login.<state>` otherwise; one per
   * login, so that several tabs can log in at once (`nl_login` alone with the `no_state` scope).
   */
  readonly name: string;
  /**
   * The `Set-Cookie` header value that keeps `value` in the browser for `maxAge` seconds (the
   * transaction lifetime: `client.transactionTtl / 1000`).
   *
   * @example `'__Host-nl_login.3q2…=x7Q…; Path=/; Max-Age=600; HttpOnly; SameSite=Lax; Secure'`
   */
  set(value: string, maxAge: number): string;
  /** The `Set-Cookie` header value that deletes the cookie: send it with the callback's answer. */
  clear(): string;
  /** The cookie's value in a `Cookie` request header, or `undefined` when it is not there. */
  read(cookieHeader: string | null | undefined): string | undefined;
}

/** Cookie-name characters a state may bring: a callback's state is whatever the URL carries. */
const UNSAFE_NAME_CHARACTERS = /[^A-Za-z0-9_-]/g;
/** What a cookie value may hold (RFC 6265 §4.1.1): a binding or a sealed value always fits. */
const COOKIE_VALUE = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$/;

/**
 * The {@link LoginCookie} of a login: of the transaction's redirect URI and state when it starts
 * (`loginCookie(transaction.redirectUri, transaction.state)`), of the app's redirect URI and the
 * callback's state on the callback (`loginCookie(client.redirectUri, callbackState(request))`).
 *
 * `Secure` and the `__Host-` prefix follow the redirect URI, which is the app's public address:
 * behind a TLS-terminating proxy the request the app sees is plain HTTP, the redirect URI is not.
 *
 * @param redirectUri The redirect URI of the login (absolute).
 * @param state The login's `state`; `undefined` with the `no_state` scope.
 * @throws {NeverloseOidcError} `ERR_INVALID_ARGUMENT` when `redirectUri` is not an absolute URL.
 * @example
 * ```ts
 * const cookie = loginCookie(transaction.redirectUri, transaction.state);
 * headers.append('set-cookie', cookie.set(binding, client.transactionTtl / 1000));
 * ```
 * @see {@link https://www.rfc-editor.org/rfc/rfc6265bis RFC 6265bis §4.1.3.2 (the __Host- prefix)}
 */
export function loginCookie(redirectUri: string, state: string | undefined): LoginCookie {
  if (typeof redirectUri !== 'string' || !URL.canParse(redirectUri)) {
    throw new NeverloseOidcError(
      'ERR_INVALID_ARGUMENT',
      'Invalid argument "redirectUri" of loginCookie: must be the absolute redirect URI of the login.',
    );
  }
  const secure = new URL(redirectUri).protocol === 'https:';
  const suffix =
    typeof state === 'string' && state !== ''
      ? `.${state.replace(UNSAFE_NAME_CHARACTERS, '')}`
      : '';
  const name = `${secure ? '__Host-' : ''}nl_login${suffix}`;
  const attributes = `Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
  return {
    name,
    set(value, maxAge) {
      if (typeof value !== 'string' || value === '' || !COOKIE_VALUE.test(value)) {
        throw new NeverloseOidcError(
          'ERR_INVALID_ARGUMENT',
          'Invalid argument "value" of LoginCookie.set: must be a binding or a sealed value.',
        );
      }
      const seconds = Math.floor(maxAge);
      if (!Number.isSafeInteger(seconds) || seconds <= 0) {
        throw new NeverloseOidcError(
          'ERR_INVALID_ARGUMENT',
          'Invalid argument "maxAge" of LoginCookie.set: must be a positive number of seconds.',
        );
      }
      return `${name}=${value}; Max-Age=${seconds}; ${attributes}`;
    },
    clear() {
      return `${name}=; Max-Age=0; ${attributes}`;
    },
    read(cookieHeader) {
      if (typeof cookieHeader !== 'string') return undefined;
      for (const part of cookieHeader.split(';')) {
        const eq = part.indexOf('=');
        if (eq === -1 || part.slice(0, eq).trim() !== name) continue;
        const value = part.slice(eq + 1).trim();
        return value === '' ? undefined : value;
      }
      return undefined;
    },
  };
}

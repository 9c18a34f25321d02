/** Brands errors of every loaded copy of this package (ESM and CommonJS may both be loaded). */
const brand = Symbol.for('neverlose-oidc.error');

/**
 * Stable codes of {@link NeverloseOidcError}. Switch on them; the messages may change.
 *
 * What the user did (show a "try again" page, answer 4xx):
 * - `ERR_ACCESS_DENIED`: the user refused consent (`error=access_denied` on the callback).
 * - `ERR_STATE_MISMATCH`: the callback's `state` is absent or is not the transaction's.
 * - `ERR_TRANSACTION_MISSING`: no transaction for this callback (replayed, never started, lost
 *   cookie or session, or a sealed cookie that does not open).
 * - `ERR_TRANSACTION_EXPIRED`: the transaction is older than its lifetime.
 * - `ERR_TRANSACTION_MISMATCH`: the transaction was started for another issuer, client or
 *   redirect URI than the one completing it.
 * - `ERR_CALLBACK_INVALID`: the callback carries no `code`, or a parameter twice.
 * - `ERR_ISSUER_MISMATCH`: the callback's `iss` parameter (RFC 9207) names another issuer, or is
 *   missing although the provider announces it (`authorization_response_iss_parameter_supported`):
 *   a mix-up attack, or a callback that did not come from the provider. No request is made.
 * - `ERR_RETURN_TO_INVALID`: `returnTo` is not a same-origin relative path.
 *
 * What the provider or the network did (log it, answer 5xx):
 * - `ERR_AUTHORIZATION_ERROR`: the provider redirected back with an error other than
 *   `access_denied` (`invalid_scope`, `server_error`...); `error.oauthError` holds it.
 * - `ERR_TOKEN_EXCHANGE_FAILED`: the token endpoint refused the code or answered nonsense;
 *   `error.oauthError` holds its OAuth error when it sent one (`invalid_grant`...).
 * - `ERR_INVALID_CLIENT`: the token endpoint refused the client's credentials (`invalid_client`,
 *   in the body or in a `WWW-Authenticate` challenge): check `clientId`, `clientSecret` and
 *   `clientAuthentication` against the client registered with Neverlose.
 * - `ERR_ID_TOKEN_INVALID`: the id_token failed a check (`iss`, `aud`, `exp`, `iat`, `nonce`,
 *   `at_hash`, algorithm or signature).
 * - `ERR_USERINFO_FAILED`: the userinfo request failed, or its `sub` is not the id_token's.
 * - `ERR_DISCOVERY_FAILED`: the discovery document could not be used.
 * - `ERR_NETWORK`: a request did not reach the provider or got no answer.
 * - `ERR_TIMEOUT`: a request took longer than the `timeout` option.
 *
 * What the load did (answer 503 with `Retry-After`):
 * - `ERR_TRANSACTION_STORE_FULL`: the `MemoryTransactionStore` holds `maxEntries` logins
 *   that have not expired, and refuses a new one rather than drop a pending login.
 *
 * What the code did:
 * - `ERR_CONFIGURATION`: an option or argument breaks a rule; the message names the field.
 * - `ERR_COOKIE_TOO_LARGE`: a sealed transaction would be larger than browsers keep in a cookie
 *   (`MAX_SEALED_COOKIE_LENGTH`): a long `redirectUri`, scopes or `returnTo`.
 */
export type NeverloseOidcErrorCode =
  | 'ERR_ACCESS_DENIED'
  | 'ERR_STATE_MISMATCH'
  | 'ERR_TRANSACTION_MISSING'
  | 'ERR_TRANSACTION_EXPIRED'
  | 'ERR_TRANSACTION_MISMATCH'
  | 'ERR_CALLBACK_INVALID'
  | 'ERR_ISSUER_MISMATCH'
  | 'ERR_RETURN_TO_INVALID'
  | 'ERR_AUTHORIZATION_ERROR'
  | 'ERR_TOKEN_EXCHANGE_FAILED'
  | 'ERR_INVALID_CLIENT'
  | 'ERR_ID_TOKEN_INVALID'
  | 'ERR_USERINFO_FAILED'
  | 'ERR_DISCOVERY_FAILED'
  | 'ERR_NETWORK'
  | 'ERR_TIMEOUT'
  | 'ERR_TRANSACTION_STORE_FULL'
  | 'ERR_CONFIGURATION'
  | 'ERR_COOKIE_TOO_LARGE';

/**
 * An OAuth error the provider sent: to the callback (RFC 6749 §4.1.2.1), or from the token or
 * userinfo endpoint, in the body (RFC 6749 §5.2) or a `WWW-Authenticate` challenge (RFC 6750 §3).
 */
export interface OAuthErrorResponse {
  /** The `error` parameter, such as `access_denied` or `invalid_scope`. */
  readonly error: string;
  /** The `error_description` parameter, when the provider sent one. */
  readonly errorDescription?: string;
}

/**
 * Every error this package throws is a {@link NeverloseOidcError} with a stable `code`.
 *
 * Switch on `error.code` rather than relying on `instanceof`: a dual ESM/CommonJS package can be
 * loaded twice in one process, and then the classes of the two copies are different objects.
 *
 * @example
 * ```ts
 * try {
 *   const result = await client.completeAuthorization(request, transaction);
 * } catch (error) {
 *   if (isNeverloseOidcError(error) && error.code === 'ERR_ACCESS_DENIED') {
 *     return Response.redirect('/login?cancelled=1');
 *   }
 *   throw error;
 * }
 * ```
 */
export class NeverloseOidcError<
  Code extends NeverloseOidcErrorCode = NeverloseOidcErrorCode,
> extends Error {
  /** A stable, machine-readable code, such as `ERR_STATE_MISMATCH`. */
  readonly code: Code;
  /**
   * The provider's OAuth error: always for `ERR_ACCESS_DENIED`, `ERR_AUTHORIZATION_ERROR` and
   * `ERR_INVALID_CLIENT`; for `ERR_TOKEN_EXCHANGE_FAILED` and `ERR_USERINFO_FAILED` when the
   * provider sent one.
   */
  readonly oauthError?: OAuthErrorResponse;

  constructor(
    code: Code,
    message: string,
    options?: { cause?: unknown; oauthError?: OAuthErrorResponse },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = 'NeverloseOidcError';
    if (options?.oauthError) this.oauthError = options.oauthError;
  }
}
Object.defineProperty(NeverloseOidcError.prototype, brand, { value: true });

/** True for any error thrown by this package, whichever loaded copy of it threw. */
export function isNeverloseOidcError(error: unknown): error is NeverloseOidcError {
  return (
    typeof error === 'object' && error !== null && (error as { [brand]?: unknown })[brand] === true
  );
}

/**
 * True when the error is something the user or their browser did (denied consent, a stale or
 * forged callback, a bad `returnTo`): answer it with a 4xx page, not a 5xx.
 */
export function isUserError(error: unknown): boolean {
  if (!isNeverloseOidcError(error)) return false;
  switch (error.code) {
    case 'ERR_ACCESS_DENIED':
    case 'ERR_STATE_MISMATCH':
    case 'ERR_TRANSACTION_MISSING':
    case 'ERR_TRANSACTION_EXPIRED':
    case 'ERR_TRANSACTION_MISMATCH':
    case 'ERR_CALLBACK_INVALID':
    case 'ERR_ISSUER_MISMATCH':
    case 'ERR_RETURN_TO_INVALID':
      return true;
    default:
      return false;
  }
}

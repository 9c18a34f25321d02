/** Brands errors of every loaded copy of this package (ESM and CommonJS may both be loaded). */
const brand = Symbol.for('neverlose-oidc.error');

// shared: the address of every package's error reference.
const ERRORS_DOC =
  'https://github.com/neverlose-toolkit/neverlose-toolkit/blob/main/docs/errors.md';

/**
 * Codes of what the user or their browser did: answer with a 4xx page that offers to log in
 * again ({@link isUserError} is true for exactly these).
 *
 * - `ERR_ACCESS_DENIED`: the user refused consent (`error=access_denied` on the callback).
 * - `ERR_LOGIN_REQUIRED`: the provider needs the user to sign in or consent, and the request
 *   asked it not to show a page (`prompt=none`): `login_required`, `consent_required`,
 *   `interaction_required` or `account_selection_required`. Start the login again without
 *   `prompt=none`.
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
 * - `ERR_INVALID_GRANT`: the token endpoint refused the code (`invalid_grant`): it was already
 *   used (a reloaded or replayed callback), it expired, or it was issued for another login.
 * - `ERR_RETURN_TO_INVALID`: `returnTo` is not a same-origin relative path.
 * - `ERR_REQUEST_INVALID`: the incoming request cannot start a login: its `Host` (or trusted
 *   `X-Forwarded-Host`) header is not a host name, so no redirect URI can be built from it.
 */
export type NeverloseOidcUserErrorCode =
  | 'ERR_ACCESS_DENIED'
  | 'ERR_LOGIN_REQUIRED'
  | 'ERR_STATE_MISMATCH'
  | 'ERR_TRANSACTION_MISSING'
  | 'ERR_TRANSACTION_EXPIRED'
  | 'ERR_TRANSACTION_MISMATCH'
  | 'ERR_CALLBACK_INVALID'
  | 'ERR_ISSUER_MISMATCH'
  | 'ERR_INVALID_GRANT'
  | 'ERR_RETURN_TO_INVALID'
  | 'ERR_REQUEST_INVALID';

/**
 * Codes of what the provider, the network or the load did: log it, answer 5xx (503 with
 * `Retry-After` for the last two).
 *
 * - `ERR_AUTHORIZATION_ERROR`: the provider redirected back with another error (`invalid_scope`,
 *   `server_error`...); `error.oauthError` holds it.
 * - `ERR_TOKEN_EXCHANGE_FAILED`: the token endpoint refused the request for another reason
 *   (`invalid_request`, `unsupported_grant_type`, `invalid_scope`, `server_error`) or answered
 *   nonsense; `error.oauthError` holds its OAuth error when it sent one.
 * - `ERR_ID_TOKEN_INVALID`: the id_token failed a check (`iss`, `aud`, `exp`, `iat`, `nonce`,
 *   `at_hash`, algorithm or signature), or the provider's JWK Set could not be used.
 * - `ERR_USERINFO_FAILED`: the userinfo request failed, or its `sub` is not the id_token's.
 * - `ERR_DISCOVERY_FAILED`: the discovery document could not be used.
 * - `ERR_NETWORK`: a request did not reach the provider or got no answer.
 * - `ERR_TIMEOUT`: a request took longer than the `timeout` option.
 * - `ERR_TEMPORARILY_UNAVAILABLE`: the provider said it is overloaded or in maintenance
 *   (`temporarily_unavailable`, on the callback or from the token endpoint): try again later.
 * - `ERR_TRANSACTION_STORE_FULL`: the `MemoryTransactionStore` holds `maxEntries` logins
 *   that have not expired, and refuses a new one rather than drop a pending login.
 */
export type NeverloseOidcServiceErrorCode =
  | 'ERR_AUTHORIZATION_ERROR'
  | 'ERR_TOKEN_EXCHANGE_FAILED'
  | 'ERR_ID_TOKEN_INVALID'
  | 'ERR_USERINFO_FAILED'
  | 'ERR_DISCOVERY_FAILED'
  | 'ERR_NETWORK'
  | 'ERR_TIMEOUT'
  | 'ERR_TEMPORARILY_UNAVAILABLE'
  | 'ERR_TRANSACTION_STORE_FULL';

/**
 * Codes of what the code or its configuration did: fix it (the message names the field).
 *
 * - `ERR_INVALID_OPTION`: an option (of `createNeverloseClient`, an adapter or a store, or read
 *   from the environment) breaks a rule, or is a key no option has; the message names it and the
 *   rule.
 * - `ERR_INVALID_ARGUMENT`: an argument of a call breaks its rule; the message names it.
 * - `ERR_MIDDLEWARE_MISSING`: a middleware this one needs did not run before it (no session on
 *   the request: mount `express-session` before Passport; `requireNeverloseUser()` before
 *   `neverloseAuth()`).
 * - `ERR_RUNTIME_UNSUPPORTED`: the runtime lacks what the package needs (Web Crypto).
 * - `ERR_COOKIE_TOO_LARGE`: a sealed transaction would be larger than browsers keep in a cookie
 *   (`MAX_SEALED_COOKIE_LENGTH`): a long `redirectUri`, scopes or `returnTo`.
 * - `ERR_INVALID_CLIENT`: the token endpoint refused the client's credentials (`invalid_client`,
 *   in the body or in a `WWW-Authenticate` challenge): check `clientId`, `clientSecret` and
 *   `clientAuthentication` against the client registered with Neverlose.
 * - `ERR_UNAUTHORIZED_CLIENT`: the provider does not let this client do what it asked
 *   (`unauthorized_client`), such as the `no_pkce` scope without Neverlose's permission.
 */
export type NeverloseOidcSetupErrorCode =
  | 'ERR_INVALID_OPTION'
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_MIDDLEWARE_MISSING'
  | 'ERR_RUNTIME_UNSUPPORTED'
  | 'ERR_COOKIE_TOO_LARGE'
  | 'ERR_INVALID_CLIENT'
  | 'ERR_UNAUTHORIZED_CLIENT';

/**
 * Stable codes of {@link NeverloseOidcError}: switch on them; the messages may change. Grouped by
 * what a caller does about them: {@link NeverloseOidcUserErrorCode} (4xx),
 * {@link NeverloseOidcServiceErrorCode} (5xx) and {@link NeverloseOidcSetupErrorCode} (fix the
 * configuration).
 */
export type NeverloseOidcErrorCode =
  | NeverloseOidcUserErrorCode
  | NeverloseOidcServiceErrorCode
  | NeverloseOidcSetupErrorCode;

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
   * The provider's OAuth error, whenever it sent one: always for `ERR_ACCESS_DENIED`,
   * `ERR_LOGIN_REQUIRED`, `ERR_AUTHORIZATION_ERROR`, `ERR_INVALID_CLIENT`, `ERR_INVALID_GRANT`,
   * `ERR_UNAUTHORIZED_CLIENT` and `ERR_TEMPORARILY_UNAVAILABLE`; for `ERR_TOKEN_EXCHANGE_FAILED`
   * and `ERR_USERINFO_FAILED` when the provider sent one.
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

  /** The entry of `code` in the error reference: what it means and what to do. */
  get docUrl(): string {
    return `${ERRORS_DOC}#${this.code.toLowerCase()}`;
  }
}
Object.defineProperty(NeverloseOidcError.prototype, brand, { value: true });

/**
 * True for any error thrown by this package, whichever loaded copy of it threw; with `code`, only
 * for an error with that code. Narrows `error.code` to the code union (or to `code`).
 *
 * @example
 * ```ts
 * if (isNeverloseOidcError(error, 'ERR_TRANSACTION_STORE_FULL')) {
 *   return new Response('Busy', { status: 503, headers: { 'retry-after': '10' } });
 * }
 * if (isNeverloseOidcError(error)) {
 *   switch (error.code) { ... } // every code completes here
 * }
 * ```
 */
export function isNeverloseOidcError(error: unknown): error is NeverloseOidcError;
export function isNeverloseOidcError<Code extends NeverloseOidcErrorCode>(
  error: unknown,
  code: Code,
): error is NeverloseOidcError<Code>;
export function isNeverloseOidcError(error: unknown, code?: NeverloseOidcErrorCode): boolean {
  const branded =
    typeof error === 'object' && error !== null && (error as { [brand]?: unknown })[brand] === true;
  return branded && (code === undefined || (error as NeverloseOidcError).code === code);
}

const USER_ERROR_CODES: ReadonlySet<string> = new Set<NeverloseOidcUserErrorCode>([
  'ERR_ACCESS_DENIED',
  'ERR_LOGIN_REQUIRED',
  'ERR_STATE_MISMATCH',
  'ERR_TRANSACTION_MISSING',
  'ERR_TRANSACTION_EXPIRED',
  'ERR_TRANSACTION_MISMATCH',
  'ERR_CALLBACK_INVALID',
  'ERR_ISSUER_MISMATCH',
  'ERR_INVALID_GRANT',
  'ERR_RETURN_TO_INVALID',
  'ERR_REQUEST_INVALID',
]);

/**
 * True when the error is something the user or their browser did (denied consent, a stale,
 * replayed or forged callback, a bad `returnTo`): answer it with a 4xx page, not a 5xx. Narrows
 * `error.code` to {@link NeverloseOidcUserErrorCode}.
 */
export function isUserError(
  error: unknown,
): error is NeverloseOidcError<NeverloseOidcUserErrorCode> {
  return isNeverloseOidcError(error) && USER_ERROR_CODES.has(error.code);
}

const SETUP_ERROR_CODES: ReadonlySet<string> = new Set<NeverloseOidcSetupErrorCode>([
  'ERR_INVALID_OPTION',
  'ERR_INVALID_ARGUMENT',
  'ERR_MIDDLEWARE_MISSING',
  'ERR_RUNTIME_UNSUPPORTED',
  'ERR_COOKIE_TOO_LARGE',
]);

/**
 * @internal True for a bug of the code or its configuration, never of a login: no HTTP status
 * fits it, so it reaches the app's 500 handler. Not `ERR_INVALID_CLIENT` or
 * `ERR_UNAUTHORIZED_CLIENT`: the provider answered those, and a login fails with 502.
 */
export function isSetupError(error: NeverloseOidcError): boolean {
  return SETUP_ERROR_CODES.has(error.code);
}

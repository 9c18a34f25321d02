import type { LoginFailureStatus, NeverloseOidcErrorCode } from '../../src/index.js';

/**
 * The status every surface answers a failed login with, by code (`httpStatusOf`): every code is
 * listed, so that a new one cannot go unclassified. `undefined`: not a login failure, but a bug or
 * a configuration error for the app's 500 handler.
 */
export const LOGIN_FAILURE_STATUSES = {
  ERR_ACCESS_DENIED: 403,
  ERR_LOGIN_REQUIRED: 403,
  ERR_STATE_MISMATCH: 400,
  ERR_TRANSACTION_MISSING: 400,
  ERR_TRANSACTION_EXPIRED: 400,
  ERR_TRANSACTION_MISMATCH: 400,
  ERR_CALLBACK_INVALID: 400,
  ERR_ISSUER_MISMATCH: 400,
  ERR_INVALID_GRANT: 400,
  ERR_RETURN_TO_INVALID: 400,
  ERR_REQUEST_INVALID: 400,
  ERR_AUTHORIZATION_ERROR: 502,
  ERR_TOKEN_EXCHANGE_FAILED: 502,
  ERR_ID_TOKEN_INVALID: 502,
  ERR_USERINFO_FAILED: 502,
  ERR_DISCOVERY_FAILED: 502,
  ERR_NETWORK: 502,
  ERR_TIMEOUT: 502,
  ERR_TEMPORARILY_UNAVAILABLE: 503,
  ERR_TRANSACTION_STORE_FULL: 503,
  ERR_INVALID_OPTION: undefined,
  ERR_INVALID_ARGUMENT: undefined,
  ERR_MIDDLEWARE_MISSING: undefined,
  ERR_RUNTIME_UNSUPPORTED: undefined,
  ERR_COOKIE_TOO_LARGE: undefined,
  ERR_INVALID_CLIENT: 502,
  ERR_UNAUTHORIZED_CLIENT: 502,
} as const satisfies Record<NeverloseOidcErrorCode, LoginFailureStatus | undefined>;

/** Every code with its status, as `[code, status]`. */
export const LOGIN_FAILURES = Object.entries(LOGIN_FAILURE_STATUSES) as [
  NeverloseOidcErrorCode,
  LoginFailureStatus | undefined,
][];

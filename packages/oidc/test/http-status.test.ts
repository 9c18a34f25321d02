import { describe, expect, it } from 'vitest';
import {
  httpStatusOf,
  isUserError,
  NeverloseOidcError,
  type NeverloseOidcErrorCode,
} from '../src/index.js';

// Every code, so that a new one cannot go unclassified (the record must list them all).
const EXPECTED = {
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
} as const satisfies Record<NeverloseOidcErrorCode, number | undefined>;

describe('httpStatusOf', () => {
  it.each(Object.entries(EXPECTED))('answers %s with %s', (code, status) => {
    const error = new NeverloseOidcError(code as NeverloseOidcErrorCode, 'x');
    expect(httpStatusOf(error)).toBe(status);
    // What the user did is a 4xx, and only that.
    expect(isUserError(error)).toBe(status === 400 || status === 403);
  });

  it('answers a full store of any package with 503', () => {
    const fromAnotherPackage = Object.assign(new Error('full'), {
      code: 'ERR_TRANSACTION_STORE_FULL',
    });
    expect(httpStatusOf(fromAnotherPackage)).toBe(503);
  });

  it('leaves what is not a coded login failure to the 500 handler', () => {
    for (const thrown of [new Error('bug'), new TypeError('x'), 'text', null, undefined]) {
      expect(httpStatusOf(thrown)).toBeUndefined();
    }
  });
});

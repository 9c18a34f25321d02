import { describe, expect, it } from 'vitest';
import { httpStatusOf, isUserError, NeverloseOidcError } from '../src/index.js';
import { LOGIN_FAILURES } from './support/login-failure-statuses.js';

describe('httpStatusOf', () => {
  it.each(LOGIN_FAILURES)('answers %s with %s', (code, status) => {
    const error = new NeverloseOidcError(code, 'x');
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

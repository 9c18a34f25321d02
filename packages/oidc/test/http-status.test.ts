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

  it('answers a store that could not do its part (any package, marked so, or causing the error) with 503', () => {
    const mark = Symbol.for('neverlose.store-failure');
    // neverlose-redis's and neverlose-postgres's errors have the mark as a getter of their class.
    const unavailable = Object.assign(new Error('Redis is unreachable'), {
      code: 'ERR_REDIS_UNAVAILABLE',
      [mark]: true,
    });
    expect(httpStatusOf(unavailable)).toBe(503);
    expect(httpStatusOf(new Error('the login could not be kept', { cause: unavailable }))).toBe(
      503,
    );
    const notAFailure = Object.assign(new Error('bad option'), {
      code: 'ERR_INVALID_OPTION',
      [mark]: false,
    });
    expect(httpStatusOf(notAFailure)).toBeUndefined();
  });

  it('leaves what is not a coded login failure to the 500 handler', () => {
    for (const thrown of [new Error('bug'), new TypeError('x'), 'text', null, undefined]) {
      expect(httpStatusOf(thrown)).toBeUndefined();
    }
  });
});

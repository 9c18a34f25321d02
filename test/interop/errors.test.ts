// The errors of every package share one shape: a stable code, its docs entry, the class's name, a
// brand that another loaded copy of the package (ESM beside CommonJS) recognises, and for the
// stores the store-failure mark the market's webhook handlers and money calls read.
import { EmulatorError, isEmulatorError } from 'neverlose-emulator';
import { isStoreFailure } from 'neverlose-market';
import { isNeverlosePostgresError, NeverlosePostgresError } from 'neverlose-postgres';
import { isNeverloseRedisError, NeverloseRedisError } from 'neverlose-redis';
import { describe, expect, it } from 'vitest';

const packages = [
  {
    name: 'neverlose-postgres',
    make: (code: string) => new NeverlosePostgresError(code as never, 'x'),
    is: isNeverlosePostgresError,
    className: 'NeverlosePostgresError',
    storeFailure: 'ERR_POSTGRES_UNAVAILABLE',
  },
  {
    name: 'neverlose-redis',
    make: (code: string) => new NeverloseRedisError(code as never, 'x'),
    is: isNeverloseRedisError,
    className: 'NeverloseRedisError',
    storeFailure: 'ERR_REDIS_TIMEOUT',
  },
  {
    name: 'neverlose-emulator',
    make: (code: string) => new EmulatorError(code as never, 'x'),
    is: isEmulatorError,
    className: 'EmulatorError',
    storeFailure: undefined,
  },
] as const;

describe.each(packages)('an error of $name', (pkg) => {
  it('carries its code, cause and class name, and is recognised as its package’s only', () => {
    const cause = new Error('driver');
    const error = pkg.make('ERR_INVALID_OPTION');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(pkg.className);
    expect(error.code).toBe('ERR_INVALID_OPTION');
    expect(
      new (error.constructor as typeof NeverlosePostgresError)('ERR_INVALID_OPTION', 'y', { cause })
        .cause,
    ).toBe(cause);
    expect(pkg.is(error)).toBe(true);
    for (const other of packages) {
      if (other !== pkg) expect(other.is(error)).toBe(false);
    }
    for (const value of [
      new Error('x'),
      { code: 'ERR_INVALID_OPTION' },
      null,
      'ERR_INVALID_OPTION',
    ]) {
      expect(pkg.is(value)).toBe(false);
    }
  });

  it('is recognised when another loaded copy of the package threw it', () => {
    // What an instance of the other copy's class carries: the brand under the registered symbol.
    const fromOtherCopy = Object.assign(new Error('x'), {
      [Symbol.for(`${pkg.name}.error`)]: true,
    });
    expect(pkg.is(fromOtherCopy)).toBe(true);
  });

  it('marks the codes that mean the store cannot do its part now, and only those', () => {
    expect(isStoreFailure(pkg.make('ERR_INVALID_OPTION'))).toBe(false);
    if (pkg.storeFailure !== undefined) {
      expect(isStoreFailure(pkg.make(pkg.storeFailure))).toBe(true);
      expect(isStoreFailure(new Error('call failed', { cause: pkg.make(pkg.storeFailure) }))).toBe(
        true,
      );
    }
  });
});

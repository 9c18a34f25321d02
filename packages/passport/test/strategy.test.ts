import { createRequire } from 'node:module';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type NeverloseFailureCode,
  type NeverloseOidcErrorCode,
  NeverloseStrategy,
  toPassportProfile,
} from '../src/index.js';
import { sessionLogins } from '../src/state/session-logins.js';

const verify = () => {};
const valid = {
  client: { clientId: 'app', clientSecret: 's' },
  callbackURL: '/auth/neverlose/callback',
};

describe('new NeverloseStrategy', () => {
  it('is named neverlose and creates no client before the first login', () => {
    const strategy = new NeverloseStrategy(valid, verify);
    expect(strategy.name).toBe('neverlose');
  });

  it.each([
    [{ ...valid, client: { clientId: '' } }, /"client.clientId": must be a non-empty string/],
    [{ ...valid, callbackURL: '' }, /"callbackURL"/],
    [
      { ...valid, callbackURL: '//evil.example/cb' },
      /"callbackURL": a path must not start with "\/\/"/,
    ],
    [{ ...valid, callbackURL: 'http://app.example/cb' }, /"callbackURL": must use https/],
    [{ ...valid, client: { clientId: 'app', scopes: ['profile'] } }, /must include "openid"/],
    [{ ...valid, store: {} }, /"store": must have set\(\) and take\(\)/],
    [
      { clientID: 'app', clientSecret: 's', callbackURL: '/cb' },
      /requires the "client" option: .*\(clientId, clientSecret/,
    ],
  ])('refuses bad options at construction: %j', (options, message) => {
    expect(() => new NeverloseStrategy(options as never, verify)).toThrowError(message);
  });

  it('requires a verify function', () => {
    expect(() => new NeverloseStrategy(valid, undefined as never)).toThrowError(
      expect.objectContaining({
        code: 'ERR_INVALID_ARGUMENT',
        message: expect.stringContaining('"verify"'),
      }),
    );
  });
});

describe('toPassportProfile', () => {
  it('follows the Passport profile convention and omits what did not come', () => {
    const claims = { sub: '5' };
    expect(toPassportProfile({ id: '5', claims })).toEqual({
      provider: 'neverlose',
      id: '5',
      _json: claims,
      _raw: '{"sub":"5"}',
    });
  });
});

describe('the logins a session keeps', () => {
  const login = (name: string, createdAt = Date.now()) => ({
    binding: `binding-${name}`,
    createdAt,
    expiresAt: Date.now() + 60_000,
  });
  const session = () => ({ save: (done: () => void) => done() }) as never;

  it('keeps logins by state and forgets one once taken', () => {
    const s = session();
    const logins = sessionLogins(s, 'k');
    logins.keep('a', login('a'));
    logins.keep('b', login('b'));
    expect(logins.take('b')?.binding).toBe('binding-b');
    expect(logins.take('b')).toBeUndefined();
    expect(logins.take('a')?.binding).toBe('binding-a');
    expect(s).not.toHaveProperty('k');
  });

  it('keeps at most ten logins per session, dropping the oldest', () => {
    const logins = sessionLogins(session(), 'k');
    for (let i = 0; i < 12; i++) logins.keep(`s${i}`, login(`s${i}`));
    expect(logins.take('s0')).toBeUndefined();
    expect(logins.take('s1')).toBeUndefined();
    expect(logins.take('s11')).toBeDefined();
  });

  it('drops the oldest by creation time, whatever the order of the session’s keys', () => {
    const logins = sessionLogins(session(), 'k');
    // Integer-like keys come first in a JavaScript object, whatever their insertion order.
    for (let i = 0; i < 10; i++) logins.keep(`s${i}`, login(`s${i}`, 1000 + i));
    logins.keep('5', login('5', 2000));
    logins.keep('s10', login('s10', 3000));
    expect(logins.take('s0')).toBeUndefined();
    expect(logins.take('s1')).toBeUndefined();
    expect(logins.take('5')).toBeDefined();
    expect(logins.take('s2')).toBeDefined();
  });

  it('does not read inherited keys, or an entry without a binding, as logins', () => {
    const s = { save: (done: () => void) => done(), k: { old: { transaction: {} } } };
    const logins = sessionLogins(s as never, 'k');
    expect(logins.take('__proto__')).toBeUndefined();
    expect(logins.take('old')).toBeUndefined();
  });

  it('writes every change through set() in a session of get() and set() (a cookie session)', () => {
    const values = new Map<string, unknown>();
    const written: unknown[] = [];
    const cookieSession = {
      get: (key: string) => values.get(key),
      set: (key: string, value: unknown) => {
        written.push(value === undefined ? undefined : Object.keys(value as object));
        values.set(key, value);
      },
    };
    const logins = sessionLogins(cookieSession, 'k');
    logins.keep('a', login('a'));
    logins.keep('b', login('b'));
    expect(logins.take('a')?.binding).toBe('binding-a');
    expect(logins.take('b')?.binding).toBe('binding-b');
    expect(written).toEqual([['a'], ['a', 'b'], ['b'], undefined]);
  });
});

describe('the codes', () => {
  it('are exported as one union, which holds the code of every failure', () => {
    expectTypeOf<NeverloseFailureCode>().toExtend<NeverloseOidcErrorCode>();
    expectTypeOf<'ERR_ACCESS_DENIED'>().toExtend<NeverloseFailureCode>();
  });
});

describe('the built package', () => {
  it('works from require(): default, named and Strategy exports are the class', () => {
    const required = createRequire(import.meta.url)('passport-neverlose');
    expect(typeof required.NeverloseStrategy).toBe('function');
    expect(required.default).toBe(required.NeverloseStrategy);
    expect(required.Strategy).toBe(required.NeverloseStrategy);
  });

  it('works from import', async () => {
    const imported = await import('passport-neverlose');
    expect(imported.default).toBe(imported.NeverloseStrategy);
    expect(new imported.default(valid, verify).name).toBe('neverlose');
  });
});

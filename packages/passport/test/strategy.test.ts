import { createRequire } from 'node:module';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type NeverloseFailureCode,
  type NeverloseOidcErrorCode,
  NeverloseStrategy,
  toPassportProfile,
} from '../src/index.js';
import { sessionStore } from '../src/state/session-store.js';

const verify = () => {};
const valid = { clientID: 'app', clientSecret: 's', callbackURL: '/auth/neverlose/callback' };

describe('new NeverloseStrategy', () => {
  it('is named neverlose and creates no client before the first login', () => {
    const strategy = new NeverloseStrategy(valid, verify);
    expect(strategy.name).toBe('neverlose');
  });

  it.each([
    [{ ...valid, clientID: '' }, /"clientId": must be a non-empty string/],
    [{ ...valid, callbackURL: '' }, /"callbackURL"/],
    [
      { ...valid, callbackURL: '//evil.example/cb' },
      /"callbackURL": a path must not start with "\/\/"/,
    ],
    [{ ...valid, callbackURL: 'http://app.example/cb' }, /"redirectUri": must use https/],
    [{ ...valid, scope: 'profile email' }, /must include "openid"/],
    [{ ...valid, store: {} }, /"store": must have set\(\) and take\(\)/],
  ])('refuses bad options at construction: %j', (options, message) => {
    expect(() => new NeverloseStrategy(options as never, verify)).toThrowError(message);
  });

  it('requires a verify function', () => {
    expect(() => new NeverloseStrategy(valid, undefined as never)).toThrowError(/verify function/);
  });

  it('accepts scopes as a space-separated string', () => {
    expect(
      () => new NeverloseStrategy({ ...valid, scope: 'openid profile' }, verify),
    ).not.toThrow();
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

describe('the session transaction store', () => {
  const tx = (state: string, createdAt = Date.now()) => ({
    v: 1 as const,
    state,
    issuer: 'https://neverlose.cc',
    clientId: 'app',
    redirectUri: 'https://app.example/cb',
    scope: 'openid',
    createdAt,
    expiresAt: Date.now() + 60_000,
  });
  const session = () => ({ save: (done: () => void) => done() }) as never;

  it('keeps transactions by state and forgets one once taken', async () => {
    const s = session();
    const store = sessionStore(s, 'k');
    await store.set('a', tx('a'), 60_000);
    await store.set('b', tx('b'), 60_000);
    expect((await store.take('b'))?.state).toBe('b');
    expect(await store.take('b')).toBeUndefined();
    expect((await store.take('a'))?.state).toBe('a');
    expect(s).not.toHaveProperty('k');
  });

  it('keeps at most ten logins per session, dropping the oldest', async () => {
    const store = sessionStore(session(), 'k');
    for (let i = 0; i < 12; i++) await store.set(`s${i}`, tx(`s${i}`), 60_000);
    expect(await store.take('s0')).toBeUndefined();
    expect(await store.take('s1')).toBeUndefined();
    expect(await store.take('s11')).toBeDefined();
  });

  it('drops the oldest by creation time, whatever the order of the session’s keys', async () => {
    const store = sessionStore(session(), 'k');
    // Integer-like keys come first in a JavaScript object, whatever their insertion order.
    for (let i = 0; i < 10; i++) await store.set(`s${i}`, tx(`s${i}`, 1000 + i), 60_000);
    await store.set('5', tx('5', 2000), 60_000);
    await store.set('s10', tx('s10', 3000), 60_000);
    expect(await store.take('s0')).toBeUndefined();
    expect(await store.take('s1')).toBeUndefined();
    expect(await store.take('5')).toBeDefined();
    expect(await store.take('s2')).toBeDefined();
  });

  it('does not read inherited keys as transactions', async () => {
    expect(await sessionStore(session(), 'k').take('__proto__')).toBeUndefined();
  });

  it('writes every change through set() in a session of get() and set() (a cookie session)', async () => {
    const values = new Map<string, unknown>();
    const written: unknown[] = [];
    const cookieSession = {
      get: (key: string) => values.get(key),
      set: (key: string, value: unknown) => {
        written.push(value === undefined ? undefined : Object.keys(value as object));
        values.set(key, value);
      },
    };
    const store = sessionStore(cookieSession, 'k');
    await store.set('a', tx('a'), 60_000);
    await store.set('b', tx('b'), 60_000);
    expect((await store.take('a'))?.state).toBe('a');
    expect((await store.take('b'))?.state).toBe('b');
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

import { describe, expect, it } from 'vitest';
import {
  type AuthorizationTransaction,
  createSealedCookieCodec,
  MemoryTransactionStore,
  sealedCookieName,
} from '../src/index.js';

function transaction(state: string, expiresAt = Date.now() + 60_000): AuthorizationTransaction {
  return {
    v: 1,
    state,
    codeVerifier: `verifier-${state}`,
    nonce: `nonce-${state}`,
    issuer: 'https://neverlose.cc',
    clientId: 'app',
    redirectUri: 'https://app.example/cb',
    scope: 'openid profile',
    createdAt: Date.now(),
    expiresAt,
    returnTo: '/home',
  };
}

describe('MemoryTransactionStore', () => {
  it('returns a transaction once: a second take finds nothing', async () => {
    const store = new MemoryTransactionStore();
    await store.set('s1', transaction('s1'), 60_000);
    expect(await store.take('s1')).toMatchObject({ state: 's1' });
    expect(await store.take('s1')).toBeUndefined();
  });

  it('keeps several transactions apart, keyed by state', async () => {
    const store = new MemoryTransactionStore();
    await store.set('tab-1', transaction('tab-1'), 60_000);
    await store.set('tab-2', transaction('tab-2'), 60_000);
    expect((await store.take('tab-2'))?.state).toBe('tab-2');
    expect((await store.take('tab-1'))?.state).toBe('tab-1');
  });

  it('forgets a transaction after its ttl', async () => {
    let now = 1_000;
    const store = new MemoryTransactionStore({ now: () => now });
    await store.set('s', transaction('s'), 500);
    now = 1_500;
    expect(await store.take('s')).toBeUndefined();
  });

  it('stays bounded: the oldest entry goes first when full', async () => {
    const store = new MemoryTransactionStore({ maxEntries: 3 });
    for (const state of ['a', 'b', 'c', 'd']) await store.set(state, transaction(state), 60_000);
    expect(store.size).toBe(3);
    expect(await store.take('a')).toBeUndefined();
    expect(await store.take('d')).toBeDefined();
  });

  it('sweeps expired entries before evicting live ones', async () => {
    let now = 0;
    const store = new MemoryTransactionStore({ maxEntries: 2, now: () => now });
    await store.set('old', transaction('old'), 10);
    await store.set('live', transaction('live'), 1_000);
    now = 100;
    await store.set('new', transaction('new'), 1_000);
    expect(await store.take('live')).toBeDefined();
    expect(await store.take('new')).toBeDefined();
  });

  it('refuses a maxEntries that is not a positive integer', () => {
    expect(() => new MemoryTransactionStore({ maxEntries: 0 })).toThrowError(
      expect.objectContaining({ code: 'ERR_CONFIGURATION' }),
    );
  });
});

describe('createSealedCookieCodec', () => {
  const secret = 'a-very-long-secret-of-at-least-32-characters';

  it('seals and opens a transaction; the sealed text shows none of it', async () => {
    const codec = createSealedCookieCodec({ secret });
    const tx = transaction('abc');
    const sealed = await codec.seal(tx);
    expect(sealed).not.toContain('verifier-abc');
    expect(Buffer.from(sealed.split('.')[3] ?? '', 'base64url').toString()).not.toContain(
      'verifier',
    );
    expect(await codec.open(sealed)).toEqual(tx);
  });

  it('refuses a value sealed with another secret', async () => {
    const sealed = await createSealedCookieCodec({ secret }).seal(transaction('abc'));
    const other = createSealedCookieCodec({ secret: `${secret}-rotated` });
    await expect(other.open(sealed)).rejects.toMatchObject({ code: 'ERR_TRANSACTION_MISSING' });
  });

  it('refuses an altered value', async () => {
    const codec = createSealedCookieCodec({ secret });
    const sealed = await codec.seal(transaction('abc'));
    const parts = sealed.split('.');
    const ciphertext = Buffer.from(parts[3] ?? '', 'base64url');
    ciphertext[0] = (ciphertext[0] ?? 0) ^ 1;
    parts[3] = ciphertext.toString('base64url');
    await expect(codec.open(parts.join('.'))).rejects.toMatchObject({
      code: 'ERR_TRANSACTION_MISSING',
    });
  });

  it('refuses an expired value with ERR_TRANSACTION_EXPIRED', async () => {
    let now = Date.now();
    const codec = createSealedCookieCodec({ secret, now: () => now });
    const sealed = await codec.seal(transaction('abc', now + 60_000));
    now += 120_000;
    await expect(codec.open(sealed)).rejects.toMatchObject({ code: 'ERR_TRANSACTION_EXPIRED' });
  });

  it('reports an absent cookie as ERR_TRANSACTION_MISSING', async () => {
    await expect(createSealedCookieCodec({ secret }).open(undefined)).rejects.toMatchObject({
      code: 'ERR_TRANSACTION_MISSING',
    });
  });

  it('refuses a short secret', () => {
    expect(() => createSealedCookieCodec({ secret: 'short' })).toThrowError(
      expect.objectContaining({
        code: 'ERR_CONFIGURATION',
        message: expect.stringContaining('"secret"'),
      }),
    );
  });

  it('names one cookie per state, with cookie-safe characters only', () => {
    expect(sealedCookieName('abc_DEF-1')).toBe('nl_tx.abc_DEF-1');
    expect(sealedCookieName('a;b=c', 'login')).toBe('login.abc');
  });
});

import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type AuthorizationTransaction,
  createSealedCookieCodec,
  MAX_SEALED_COOKIE_LENGTH,
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

  it('stays bounded: when full of pending logins it refuses a new one and evicts none', async () => {
    const store = new MemoryTransactionStore({ maxEntries: 3 });
    for (const state of ['a', 'b', 'c']) await store.set(state, transaction(state), 60_000);
    await expect(store.set('d', transaction('d'), 60_000)).rejects.toMatchObject({
      code: 'ERR_TRANSACTION_STORE_FULL',
    });
    expect(store.size).toBe(3);
    expect(await store.take('a')).toBeDefined();
    expect(await store.take('d')).toBeUndefined();
  });

  it('keeps an honest login when an attacker starts logins until the store is full', async () => {
    let now = 0;
    const store = new MemoryTransactionStore({ maxEntries: 100, now: () => now });
    await store.set('honest', transaction('honest'), 600_000);
    let refused = 0;
    for (let i = 0; i < 1000; i++) {
      now += 10;
      await store
        .set(`attacker-${i}`, transaction(`attacker-${i}`), 600_000)
        .catch(() => refused++);
    }
    expect(refused).toBe(901);
    expect(await store.take('honest')).toMatchObject({ state: 'honest' });
    // A slot freed by a completed login is open again.
    await store.set('next', transaction('next'), 600_000);
    expect(await store.take('next')).toBeDefined();
  });

  it('admits new logins again as the pending ones expire', async () => {
    let now = 0;
    const store = new MemoryTransactionStore({ maxEntries: 2, now: () => now });
    await store.set('a', transaction('a'), 100);
    await store.set('b', transaction('b'), 200);
    await expect(store.set('c', transaction('c'), 100)).rejects.toMatchObject({
      code: 'ERR_TRANSACTION_STORE_FULL',
    });
    now = 100;
    await store.set('c', transaction('c'), 100);
    expect(await store.take('b')).toBeDefined();
    expect(await store.take('c')).toBeDefined();
  });

  it('refuses a ttl that is not a positive number', async () => {
    const store = new MemoryTransactionStore();
    for (const ttl of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(store.set('s', transaction('s'), ttl)).rejects.toMatchObject({
        code: 'ERR_CONFIGURATION',
      });
    }
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

function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

describe('createSealedCookieCodec', () => {
  const secret = randomSecret();

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

  it('opens a value sealed by the version that derived its key with node:crypto', async () => {
    // Sealed by neverlose-oidc before Web Crypto (hkdfSync), at 2026-01-01T00:00:00Z.
    const sealed =
      'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..2diGmZPKEx0Qk20w.P4s_t8XD_bnV5dIs98aivbC-haUBTMAithr1Wd-W6VMrXqHnjS-W2RWtgMsCdtjdXZXk9-6F4d50Tf9wTwea6HbUpUfr17HN_kOUiWe3US63Vd_oJmk8fhJWnCo5l3zOUkOwmwFKMKsoxEqpEYOzP3ZuvHUiQfAhHur_TCkkqE8GjQg7hxYpIihko37rNbgsut1BdqB_01ELXs_NXJNeecCqd4gp5orFveceyOuBRB_n18-stfCM3lF7NmLoKhcM0A1lbLc0JvV7zXNQPurzkSpOlKjIQEUuiBiW28-aIoMCUk8DvQ.ykcT-zQItZGzqKJBLhhWnw';
    const now = Date.UTC(2026, 0, 1);
    const codec = createSealedCookieCodec({
      secret: 'kJ3vN8pQ2xW7rT5yL1mZ9cF4hB6dG0sA',
      now: () => now,
    });
    expect(await codec.open(sealed)).toEqual({
      v: 1,
      state: 'state-1',
      issuer: 'https://neverlose.cc',
      clientId: 'app',
      redirectUri: 'https://app.example/callback',
      scope: 'openid',
      createdAt: now,
      expiresAt: now + 600_000,
    });
  });

  it('refuses a value sealed with another secret', async () => {
    const sealed = await createSealedCookieCodec({ secret }).seal(transaction('abc'));
    const other = createSealedCookieCodec({ secret: randomSecret() });
    await expect(other.open(sealed)).rejects.toMatchObject({ code: 'ERR_TRANSACTION_MISSING' });
  });

  it('rotates secrets: seals with the first, opens with any', async () => {
    const previous = randomSecret();
    const next = randomSecret();
    const before = await createSealedCookieCodec({ secret: previous }).seal(transaction('old'));
    const rotated = createSealedCookieCodec({ secret: [next, previous] });
    expect((await rotated.open(before)).state).toBe('old');
    const after = await rotated.seal(transaction('new'));
    expect((await createSealedCookieCodec({ secret: next }).open(after)).state).toBe('new');
    await expect(createSealedCookieCodec({ secret: previous }).open(after)).rejects.toMatchObject({
      code: 'ERR_TRANSACTION_MISSING',
    });
    // Once the previous secret is dropped, what it sealed no longer opens.
    await expect(createSealedCookieCodec({ secret: [next] }).open(before)).rejects.toMatchObject({
      code: 'ERR_TRANSACTION_MISSING',
    });
  });

  it('reports an expired value as expired whichever secret sealed it', async () => {
    let now = Date.now();
    const previous = randomSecret();
    const sealed = await createSealedCookieCodec({ secret: previous, now: () => now }).seal(
      transaction('abc', now + 60_000),
    );
    now += 120_000;
    const rotated = createSealedCookieCodec({ secret: [randomSecret(), previous], now: () => now });
    await expect(rotated.open(sealed)).rejects.toMatchObject({ code: 'ERR_TRANSACTION_EXPIRED' });
  });

  it('accepts 32 random bytes, as bytes, base64, base64url or hex', () => {
    const bytes = randomBytes(32);
    for (const secret of [
      new Uint8Array(bytes),
      bytes.toString('base64'),
      bytes.toString('base64url'),
      bytes.toString('hex'),
    ]) {
      expect(() => createSealedCookieCodec({ secret })).not.toThrow();
    }
  });

  it.each([
    ['a'.repeat(32), /it repeats a sequence of 1 bytes/],
    ['changeme'.repeat(4), /it repeats a sequence of 8 bytes/],
    [`${'0123456789abcdef'.repeat(2)}0`, /it repeats a sequence of 16 bytes/],
    [new Uint8Array(64), /it repeats a sequence of 1 bytes/],
    [
      'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab',
      /its estimated entropy is 6 bits, at least 128 are needed/,
    ],
    ['passwordpassword1234password1234', /its estimated entropy is \d+ bits, at least 128/],
  ])('refuses the low-entropy secret %j, naming the rule', (weak, rule) => {
    expect(() => createSealedCookieCodec({ secret: weak })).toThrowError(
      expect.objectContaining({
        code: 'ERR_CONFIGURATION',
        message: expect.stringMatching(/^Invalid option "secret": does not look random: /),
      }),
    );
    expect(() => createSealedCookieCodec({ secret: weak })).toThrowError(rule);
  });

  it('names the rotated secret that breaks a rule', () => {
    expect(() =>
      createSealedCookieCodec({ secret: [randomSecret(), 'a'.repeat(40)] }),
    ).toThrowError(/"secret\[1\]": does not look random/);
    expect(() => createSealedCookieCodec({ secret: [] })).toThrowError(/"secret": must list/);
  });

  it('seals a transaction with the longest returnTo within the cookie limit', async () => {
    const codec = createSealedCookieCodec({ secret });
    const longest = { ...transaction('abc'), returnTo: `/${'%22'.repeat(682)}a` };
    const sealed = await codec.seal(longest);
    expect(sealed.length).toBeLessThanOrEqual(MAX_SEALED_COOKIE_LENGTH);
    expect(await codec.open(sealed)).toEqual(longest);
  });

  it('refuses to seal a value browsers would drop, with ERR_COOKIE_TOO_LARGE', async () => {
    const codec = createSealedCookieCodec({ secret });
    const tooLarge = {
      ...transaction('abc'),
      redirectUri: `https://app.example/${'callback/'.repeat(150)}`,
      returnTo: `/${'a'.repeat(2047)}`,
    };
    await expect(codec.seal(tooLarge)).rejects.toMatchObject({
      code: 'ERR_COOKIE_TOO_LARGE',
      message: expect.stringContaining(String(MAX_SEALED_COOKIE_LENGTH)),
    });
  });

  it('refuses to open a value longer than any sealed one, without decrypting', async () => {
    await expect(
      createSealedCookieCodec({ secret }).open('x'.repeat(MAX_SEALED_COOKIE_LENGTH + 1)),
    ).rejects.toMatchObject({ code: 'ERR_TRANSACTION_MISSING' });
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

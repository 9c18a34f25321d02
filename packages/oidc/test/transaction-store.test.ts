import { hkdfSync, randomBytes } from 'node:crypto';
import {
  authorize,
  startProvider,
  type TestProvider,
} from '@neverlose-toolkit/test-support/hostile-provider';
import { EncryptJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AuthorizationTransaction,
  callbackState,
  createNeverloseClient,
  createSealedCookieCodec,
  isUserError,
  loginCookie,
  MAX_SEALED_COOKIE_LENGTH,
  MemorySessionRevocationStore,
  MemoryTransactionStore,
  type NeverloseClient,
  type TransactionStore,
} from '../src/index.js';
import { testSessionRevocationStore, testTransactionStore } from '../src/testing/index.js';
import { clientOptionsAt, TEST_REDIRECT_URI } from './support/client-options.js';

const REDIRECT_URI = TEST_REDIRECT_URI;

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
    bindingHash: `hash-of-binding-${state}`,
  };
}

/** A transaction and its binding, as startAuthorization returns them. */
function bound(state: string, expiresAt?: number) {
  return { transaction: transaction(state, expiresAt), binding: `binding-${state}` };
}

// The contract suites of `neverlose-oidc/testing` on the memory stores; neverlose-redis and
// neverlose-postgres run them on theirs.
testTransactionStore({
  name: 'memory',
  test: { describe, it, expect },
  open: ({ now }) => new MemoryTransactionStore({ now }),
});
testSessionRevocationStore({
  name: 'memory',
  test: { describe, it, expect },
  open: ({ now }) => new MemorySessionRevocationStore({ now }),
});

/** A browser as the app sees it: the cookies it was given, sent back on every request. */
class Browser {
  readonly #cookies = new Map<string, string>();

  request(url: string): Request {
    const cookie = [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    return new Request(url, { headers: cookie === '' ? {} : { cookie } });
  }

  keep(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      if (/;\s*Max-Age=0(;|$)/i.test(line)) this.#cookies.delete(name);
      else this.#cookies.set(name, pair.slice(eq + 1));
    }
  }
}

/** What a callback ended in. */
type Outcome = { signedIn: string } | { refused: string };

/**
 * The store-mode wiring of the README quick start: the transaction in the store under the
 * binding, the binding in the browser's login cookie.
 */
function storeModeApp(client: NeverloseClient, store: TransactionStore) {
  return {
    async login(browser: Browser): Promise<string> {
      const { url, transaction, binding } = await client.startAuthorization();
      await store.set(binding, transaction, client.transactionTtl);
      const cookie = loginCookie(transaction.redirectUri, transaction.state);
      browser.keep(
        new Response(null, {
          status: 302,
          headers: { 'set-cookie': cookie.set(binding, client.transactionTtl / 1000) },
        }),
      );
      return authorize(url);
    },
    async callback(browser: Browser, callbackUrl: string): Promise<Outcome> {
      const request = browser.request(callbackUrl);
      const cookie = loginCookie(REDIRECT_URI, callbackState(request));
      const binding = cookie.read(request.headers.get('cookie'));
      const transaction = binding === undefined ? undefined : await store.take(binding);
      try {
        const { profile } = await client.completeAuthorization(request, transaction, binding);
        browser.keep(new Response(null, { headers: { 'set-cookie': cookie.clear() } }));
        return { signedIn: profile.id };
      } catch (error) {
        if (isUserError(error)) return { refused: error.code };
        throw error;
      }
    },
  };
}

// The store-mode wiring end to end: the contract's binding rule is what stops login CSRF.
describe('a transaction store in the login flow', () => {
  let provider: TestProvider;
  beforeAll(async () => {
    provider = await startProvider();
  });
  afterAll(() => provider?.close());
  const clientFor = (scopes?: string[]) =>
    createNeverloseClient(clientOptionsAt(provider, scopes === undefined ? {} : { scopes }));
  const storeFor = async (): Promise<TransactionStore> => new MemoryTransactionStore();

  it("signs nobody in when the attacker's callback opens in the victim's fresh browser, and leaves the attacker's login in place", async () => {
    const app = storeModeApp(await clientFor(), await storeFor());
    const attacker = new Browser();
    const callbackUrl = await app.login(attacker);

    const victim = new Browser();
    expect(await app.callback(victim, callbackUrl)).toEqual({
      refused: 'ERR_TRANSACTION_MISSING',
    });
    // The victim's own pending login does not open the attacker's either.
    await app.login(victim);
    expect(await app.callback(victim, callbackUrl)).toEqual({
      refused: 'ERR_TRANSACTION_MISSING',
    });

    expect(await app.callback(attacker, callbackUrl)).toEqual({ signedIn: '1337' });
  });

  it('lets no browser complete a no_state login another browser started', async () => {
    const app = storeModeApp(await clientFor(['openid', 'profile', 'no_state']), await storeFor());
    const first = new Browser();
    const firstCallback = await app.login(first);
    expect(new URL(firstCallback).searchParams.has('state')).toBe(false);
    expect(await app.callback(new Browser(), firstCallback)).toEqual({
      refused: 'ERR_TRANSACTION_MISSING',
    });
    expect(await app.callback(first, firstCallback)).toEqual({ signedIn: '1337' });

    // A browser with a no_state login of its own: its binding finds its own transaction, whose
    // PKCE verifier the other login's code does not match. The provider refuses the code.
    const second = new Browser();
    const secondCallback = await app.login(second);
    const third = new Browser();
    await app.login(third);
    expect(await app.callback(third, secondCallback)).toEqual({ refused: 'ERR_INVALID_GRANT' });
  });
});

describe('MemoryTransactionStore', () => {
  it('returns a transaction once: a second take finds nothing', async () => {
    const store = new MemoryTransactionStore();
    await store.set('s1', transaction('s1'), 60_000);
    expect(await store.take('s1')).toMatchObject({ state: 's1' });
    expect(await store.take('s1')).toBeUndefined();
  });

  it('keeps several transactions apart, keyed by binding', async () => {
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

  it('refuses a binding that is not a non-empty string', async () => {
    const store = new MemoryTransactionStore();
    await expect(store.set('', transaction('s'), 60_000)).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
    await expect(store.take(undefined as unknown as string)).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
  });

  it('refuses a ttl that is not a positive number', async () => {
    const store = new MemoryTransactionStore();
    for (const ttl of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(store.set('s', transaction('s'), ttl)).rejects.toMatchObject({
        code: 'ERR_INVALID_ARGUMENT',
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
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
  });
});

function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

describe('createSealedCookieCodec', () => {
  const secret = randomSecret();

  it('seals and opens a transaction and its binding; the sealed text shows none of them', async () => {
    const codec = createSealedCookieCodec({ secret });
    const login = bound('abc');
    const sealed = await codec.seal(login);
    expect(sealed).not.toContain('verifier-abc');
    expect(sealed).not.toContain('binding-abc');
    expect(Buffer.from(sealed.split('.')[3] ?? '', 'base64url').toString()).not.toContain(
      'verifier',
    );
    expect(await codec.open(sealed)).toEqual(login);
  });

  it('refuses to seal a transaction without its binding', async () => {
    const codec = createSealedCookieCodec({ secret });
    await expect(
      codec.seal({ transaction: transaction('abc'), binding: '' }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });

  it('opens a value sealed under a key derived with node:crypto (hkdfSync)', async () => {
    // The key as Node's hkdfSync derives it: Web Crypto's HKDF must give the same bytes.
    const secretText = 'kJ3vN8pQ2xW7rT5yL1mZ9cF4hB6dG0sA';
    const key = new Uint8Array(
      hkdfSync('sha256', secretText, '', 'neverlose-oidc sealed transaction v1', 32),
    );
    const now = Date.UTC(2026, 0, 1);
    const login = bound('state-1', now + 600_000);
    const sealed = await new EncryptJWT({ tx: login.transaction, binding: login.binding })
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(Math.floor(login.transaction.expiresAt / 1000))
      .encrypt(key);
    const codec = createSealedCookieCodec({ secret: secretText, now: () => now });
    expect(await codec.open(sealed)).toEqual(login);
  });

  it('refuses a value sealed with another secret', async () => {
    const sealed = await createSealedCookieCodec({ secret }).seal(bound('abc'));
    const other = createSealedCookieCodec({ secret: randomSecret() });
    await expect(other.open(sealed)).rejects.toMatchObject({ code: 'ERR_TRANSACTION_MISSING' });
  });

  it('rotates secrets: seals with the first, opens with any', async () => {
    const previous = randomSecret();
    const next = randomSecret();
    const before = await createSealedCookieCodec({ secret: previous }).seal(bound('old'));
    const rotated = createSealedCookieCodec({ secret: [next, previous] });
    expect((await rotated.open(before)).transaction.state).toBe('old');
    const after = await rotated.seal(bound('new'));
    expect((await createSealedCookieCodec({ secret: next }).open(after)).transaction.state).toBe(
      'new',
    );
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
      bound('abc', now + 60_000),
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
        code: 'ERR_INVALID_OPTION',
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
    const longest = {
      transaction: {
        ...transaction('a'.repeat(43)),
        bindingHash: 'h'.repeat(43),
        returnTo: `/${'%22'.repeat(682)}a`,
      },
      binding: 'b'.repeat(43),
    };
    const sealed = await codec.seal(longest);
    expect(sealed.length).toBeLessThanOrEqual(MAX_SEALED_COOKIE_LENGTH);
    expect(await codec.open(sealed)).toEqual(longest);
    // With the longest name and attributes, the cookie stays within the 4096 bytes browsers keep.
    const cookie = loginCookie('https://app.example/cb', 's'.repeat(43)).set(sealed, 600);
    expect(cookie.length).toBeLessThanOrEqual(4096);
  });

  it('refuses to seal a value browsers would drop, with ERR_COOKIE_TOO_LARGE', async () => {
    const codec = createSealedCookieCodec({ secret });
    const tooLarge = {
      transaction: {
        ...transaction('abc'),
        redirectUri: `https://app.example/${'callback/'.repeat(150)}`,
        returnTo: `/${'a'.repeat(2047)}`,
      },
      binding: 'b'.repeat(43),
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
    const sealed = await codec.seal(bound('abc'));
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
    const sealed = await codec.seal(bound('abc', now + 60_000));
    now += 120_000;
    await expect(codec.open(sealed)).rejects.toMatchObject({ code: 'ERR_TRANSACTION_EXPIRED' });
  });

  it('reports an absent cookie as ERR_TRANSACTION_MISSING, naming the likely causes', async () => {
    await expect(createSealedCookieCodec({ secret }).open(undefined)).rejects.toMatchObject({
      code: 'ERR_TRANSACTION_MISSING',
      message: expect.stringContaining('localhost and 127.0.0.1'),
    });
  });

  it('refuses a short secret', () => {
    expect(() => createSealedCookieCodec({ secret: 'short' })).toThrowError(
      expect.objectContaining({
        code: 'ERR_INVALID_OPTION',
        message: expect.stringContaining('"secret"'),
      }),
    );
  });
});

describe('loginCookie', () => {
  it('on an https: redirect URI: __Host- name, Secure, HttpOnly, SameSite=Lax, Path=/, Max-Age', () => {
    const cookie = loginCookie('https://app.example/auth/neverlose/callback', 'abc_DEF-1');
    expect(cookie.name).toBe('__Host-nl_login.abc_DEF-1');
    expect(cookie.set('the-binding', 600)).toBe(
      '__Host-nl_login.abc_DEF-1=the-binding; Max-Age=600; Path=/; HttpOnly; SameSite=Lax; Secure',
    );
    expect(cookie.clear()).toBe(
      '__Host-nl_login.abc_DEF-1=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax; Secure',
    );
  });

  it('on a loopback http: redirect URI: no prefix and no Secure, which a browser would refuse', () => {
    const cookie = loginCookie('http://127.0.0.1:3000/callback', 'abc');
    expect(cookie.set('b', 599.9)).toBe(
      'nl_login.abc=b; Max-Age=599; Path=/; HttpOnly; SameSite=Lax',
    );
  });

  it('names one cookie per state with cookie-safe characters only, one alone without state', () => {
    expect(loginCookie('https://app.example/cb', 'a;b=c').name).toBe('__Host-nl_login.abc');
    expect(loginCookie('https://app.example/cb', undefined).name).toBe('__Host-nl_login');
  });

  it('reads its value from a Cookie header, and nothing of a cookie that is not its own', () => {
    const cookie = loginCookie('https://app.example/cb', 'abc');
    const header = 'nl_login.abc=planted; __Host-nl_login.abcd=other; __Host-nl_login.abc=mine';
    expect(cookie.read(header)).toBe('mine');
    expect(cookie.read('nl_login.abc=planted')).toBeUndefined();
    expect(cookie.read(undefined)).toBeUndefined();
    expect(cookie.read('__Host-nl_login.abc=')).toBeUndefined();
  });

  it('refuses a value a cookie cannot carry, a lifetime that is not positive, a relative URI', () => {
    const cookie = loginCookie('https://app.example/cb', 'abc');
    for (const value of ['', 'a b', 'a;b', 'é']) {
      expect(() => cookie.set(value, 600)).toThrowError(
        expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
      );
    }
    expect(() => cookie.set('b', 0)).toThrowError(/maxAge/);
    expect(() => loginCookie('/cb', 'abc')).toThrowError(/redirectUri/);
  });
});

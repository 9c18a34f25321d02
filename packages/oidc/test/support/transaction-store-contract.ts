// The contract every TransactionStore keeps, run by each one (memory, neverlose-redis,
// neverlose-postgres): a store is done when this suite is green. A login is found only by the
// binding of the browser that started it, so a callback URL carried to another browser signs
// nobody in and leaves the login where it was (login CSRF, RFC 9700 §4.7), with and without
// `state`.
import { randomBytes } from 'node:crypto';
import {
  authorize,
  startProvider,
  type TestProvider,
} from '@neverlose-toolkit/test-support/hostile-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AuthorizationTransaction,
  callbackState,
  createNeverloseClient,
  isUserError,
  loginCookie,
  type NeverloseClient,
  type TransactionStore,
} from '../../src/index.js';
import { clientOptionsAt, TEST_REDIRECT_URI } from './client-options.js';

/** A store under test, and how to let go of what it holds open. */
export interface StoreUnderTest {
  readonly store: TransactionStore;
  close?(): Promise<void>;
}

const REDIRECT_URI = TEST_REDIRECT_URI;

/** A transaction as a store sees it: plain JSON, whatever its fields. */
export function sampleTransaction(
  fields: Partial<AuthorizationTransaction> = {},
): AuthorizationTransaction {
  const now = Date.now();
  return {
    v: 1,
    state: `state-${Math.random().toString(36).slice(2)}`,
    codeVerifier: 'verifier',
    nonce: 'nonce',
    issuer: 'https://neverlose.cc',
    clientId: 'app',
    redirectUri: REDIRECT_URI,
    scope: 'openid profile',
    createdAt: now,
    expiresAt: now + 60_000,
    bindingHash: 'hash-of-the-binding',
    ...fields,
  };
}

function freshBinding(): string {
  return randomBytes(32).toString('base64url');
}

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

/**
 * Declares the TransactionStore contract for the store `open` returns (a new one per test, with
 * keys of its own).
 */
export function transactionStoreContract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`${name}: the TransactionStore contract`, () => {
    let provider: TestProvider;
    const opened: StoreUnderTest[] = [];
    const storeFor = async (): Promise<TransactionStore> => {
      const underTest = await open();
      opened.push(underTest);
      return underTest.store;
    };
    const clientFor = (scopes?: string[]) =>
      createNeverloseClient(clientOptionsAt(provider, scopes === undefined ? {} : { scopes }));

    beforeAll(async () => {
      provider = await startProvider();
    });
    afterAll(async () => {
      await Promise.all(opened.splice(0).map((underTest) => underTest.close?.()));
      await provider?.close();
    });

    it('returns a transaction once, to the binding it was kept under', async () => {
      const store = await storeFor();
      const binding = freshBinding();
      const transaction = sampleTransaction();
      await store.set(binding, transaction, 60_000);
      expect(await store.take(binding)).toEqual(transaction);
      expect(await store.take(binding)).toBeUndefined();
    });

    it('gives another binding nothing, and keeps the login for its own', async () => {
      const store = await storeFor();
      const binding = freshBinding();
      const transaction = sampleTransaction();
      await store.set(binding, transaction, 60_000);
      expect(await store.take(freshBinding())).toBeUndefined();
      expect(await store.take(binding)).toEqual(transaction);
    });

    it('keeps logins without state (the no_state scope) apart, one per binding', async () => {
      const store = await storeFor();
      const [first, second] = [freshBinding(), freshBinding()];
      const { state: _a, ...one } = sampleTransaction({ returnTo: '/one' });
      const { state: _b, ...two } = sampleTransaction({ returnTo: '/two' });
      await store.set(first, one, 60_000);
      await store.set(second, two, 60_000);
      expect((await store.take(second))?.returnTo).toBe('/two');
      expect((await store.take(first))?.returnTo).toBe('/one');
    });

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
      const app = storeModeApp(
        await clientFor(['openid', 'profile', 'no_state']),
        await storeFor(),
      );
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
}

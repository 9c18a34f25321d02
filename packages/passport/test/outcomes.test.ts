import { authorize } from '@neverlose-toolkit/test-support/hostile-provider';
import session from 'express-session';
import { MemoryTransactionStore, type TransactionStore } from 'neverlose-oidc';
import { describe, expect, it } from 'vitest';
import { httpStatusOf, type VerifyFunction } from '../src/index.js';
import { hostileProvider, type TestApp, testApps } from './support/app.js';
import { Browser, toCallback } from './support/browser.js';

const provider = hostileProvider();
const app = testApps(provider);

/** Logs in through `testApp` and returns the callback's answer. */
async function login(testApp: TestApp, browser = new Browser()): Promise<Response> {
  return browser.get(await toCallback(browser, `${testApp.origin}/auth/neverlose`));
}

/** The app still answers: the process did not stop and the server still accepts requests. */
async function stillUp(testApp: TestApp): Promise<void> {
  expect((await fetch(`${testApp.origin}/whoami`)).status).toBe(200);
}

/** A session store whose saves fail: by calling back with an error, or by throwing. */
class FailingSessionStore extends session.MemoryStore {
  constructor(private readonly how: 'callback' | 'throw') {
    super();
  }
  override set(_sid: string, _session: session.SessionData, callback?: (error?: unknown) => void) {
    if (this.how === 'throw') throw new Error('The session store is down.');
    setImmediate(() => callback?.(new Error('The session store is down.')));
  }
}

/** A transaction store whose `set` or `take` throws synchronously or rejects. */
function brokenStore(
  method: 'set' | 'take',
  how: 'throw' | 'reject',
  thrown: unknown = new Error(`The transaction store cannot ${method}.`),
): TransactionStore {
  const working = new MemoryTransactionStore();
  const broken = () => {
    if (how === 'throw') throw thrown;
    return Promise.reject(thrown);
  };
  return {
    set: method === 'set' ? broken : (...args) => working.set(...args),
    take: method === 'take' ? broken : (...args) => working.take(...args),
  };
}

describe('every outcome is one Passport action, and nothing escapes', () => {
  it.each(['callback', 'throw'] as const)(
    'ends in error when express-session cannot save the session (%s)',
    async (how) => {
      const testApp = await app({ sessionStore: new FailingSessionStore(how) });
      const response = await new Browser().get(`${testApp.origin}/auth/neverlose`);
      expect(response.status).toBe(500);
      expect(await response.json()).toMatchObject({ message: 'The session store is down.' });
      await stillUp(testApp);
    },
  );

  it.each([
    ['set', 'throw'],
    ['set', 'reject'],
    ['take', 'throw'],
    ['take', 'reject'],
  ] as const)('ends in error when the transaction store’s %s fails (%s)', async (method, how) => {
    const testApp = await app({}, { store: brokenStore(method, how) });
    const browser = new Browser();
    const response =
      method === 'set'
        ? await browser.get(`${testApp.origin}/auth/neverlose`)
        : await login(testApp, browser);
    expect(response.status).toBe(500);
    expect((await response.json()).message).toBe(`The transaction store cannot ${method}.`);
    await stillUp(testApp);
  });

  it('ends in error when a store rejects with something that is not an Error', async () => {
    for (const thrown of ['a string', Object.create(null), undefined]) {
      const testApp = await app({}, { store: brokenStore('set', 'reject', thrown) });
      const response = await new Browser().get(`${testApp.origin}/auth/neverlose`);
      expect(response.status).toBe(500);
      await stillUp(testApp);
    }
  });

  it('ends in error when verify throws', async () => {
    const verify: VerifyFunction = () => {
      throw new Error('verify failed');
    };
    const testApp = await app({ verify });
    const response = await login(testApp);
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ message: 'verify failed' });
  });

  it('keeps the first answer of a verify function that calls done twice', async () => {
    const verify: VerifyFunction = (_accessToken, profile, done) => {
      done(null, { id: profile.id });
      done(new Error('a second answer'));
    };
    const testApp = await app({ verify });
    const browser = new Browser();
    expect(await Browser.location(await login(testApp, browser))).toBe('/home');
    await stillUp(testApp);
  });

  it('keeps the answer of a verify function that throws after calling done', async () => {
    const verify: VerifyFunction = (_accessToken, profile, done) => {
      done(null, { id: profile.id });
      throw new Error('thrown after done');
    };
    const testApp = await app({ verify });
    expect(await Browser.location(await login(testApp))).toBe('/home');
  });

  it('keeps a done called later, from a promise, unable to throw into the app’s promise', async () => {
    const rejections: unknown[] = [];
    const verify: VerifyFunction = (_accessToken, profile, done) => {
      Promise.resolve({ id: profile.id })
        .then((user) => done(null, user))
        .catch((error: unknown) => rejections.push(error));
    };
    const testApp = await app({ verify, customCallback: 'throws' });
    await expect(login(testApp)).rejects.toThrow();
    expect(rejections).toEqual([]);
    await stillUp(testApp);
  });

  it('closes the connection when the app’s callback throws on success and on error', async () => {
    const testApp = await app({ customCallback: 'throws' });
    await expect(login(testApp)).rejects.toThrow();
    await stillUp(testApp);
  });

  it('ends in error when Passport’s failure handling throws (failureMessage, no session)', async () => {
    provider().behaviour.deny = true;
    try {
      const testApp = await app({ session: false }, { store: new MemoryTransactionStore() });
      const response = await login(testApp);
      expect(response.status).toBe(500);
      expect((await response.json()).message).toMatch(/messages/);
      await stillUp(testApp);
    } finally {
      provider().behaviour.deny = false;
    }
  });

  it('ends in error when the redirect to Neverlose throws (the response had started)', async () => {
    const testApp = await app({
      before: (req, res, next) => {
        if (req.path === '/auth/neverlose') res.flushHeaders();
        next();
      },
    });
    // The app's error handler cannot answer either: the connection ends, the process stays up.
    await new Browser()
      .get(`${testApp.origin}/auth/neverlose`)
      .then((response) => response.text())
      .catch(() => undefined);
    await stillUp(testApp);
  });

  it('ends in error when discovery fails, and discovers again at the next login', async () => {
    let calls = 0;
    const testApp = await app(
      {},
      {
        fetch: (input: string | URL | Request, init?: RequestInit) =>
          ++calls === 1 ? Promise.reject(new TypeError('fetch failed')) : fetch(input, init),
      },
    );
    const failed = await new Browser().get(`${testApp.origin}/auth/neverlose`);
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({ code: 'ERR_NETWORK' });
    expect(await Browser.location(await login(testApp))).toBe('/home');
  });

  it('answers 503 when the transaction store is full, and the pending login completes', async () => {
    const testApp = await app({}, { store: new MemoryTransactionStore({ maxEntries: 1 }) });
    const honest = new Browser();
    const providerUrl = await Browser.location(
      await honest.get(`${testApp.origin}/auth/neverlose`),
    );
    const flood = await new Browser().get(`${testApp.origin}/auth/neverlose`);
    expect(flood.status).toBe(503);
    expect(await flood.text()).toBe('Service Unavailable');
    expect(await Browser.location(await honest.get(await authorize(providerUrl)))).toBe('/home');
  });

  it('answers 503 when a store of another package (Redis, PostgreSQL) says it is full', async () => {
    // neverlose-redis and neverlose-postgres throw their own error classes with the same code.
    const full = Object.assign(new Error('4 logins are in flight'), {
      code: 'ERR_TRANSACTION_STORE_FULL',
    });
    const store = {
      set: async () => {
        throw full;
      },
      take: async () => undefined,
    };
    const testApp = await app({}, { store });
    const response = await new Browser().get(`${testApp.origin}/auth/neverlose`);
    expect(response.status).toBe(503);
    await stillUp(testApp);
  });

  it('ends in error when a store could not do its part (a store failure, answered 503 by httpStatusOf)', async () => {
    // neverlose-redis's and neverlose-postgres's errors for an unreachable, hung or read-only store.
    const unavailable = Object.assign(new Error('No answer from Redis: connect ECONNREFUSED.'), {
      code: 'ERR_REDIS_UNAVAILABLE',
      [Symbol.for('neverlose.store-failure')]: true,
    });
    expect(httpStatusOf(unavailable)).toBe(503);
    const testApp = await app({}, { store: brokenStore('set', 'reject', unavailable) });
    const response = await new Browser().get(`${testApp.origin}/auth/neverlose`);
    // What the server did, for its error handler: not a challenge naming the store's host.
    expect(response.status).toBe(500);
    expect((await response.json()).message).toBe(unavailable.message);
    await stillUp(testApp);
  });

  it('ends in error, naming express-session, when there is no session', async () => {
    const testApp = await app({ session: false });
    const response = await new Browser().get(`${testApp.origin}/auth/neverlose`);
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({
      code: 'ERR_MIDDLEWARE_MISSING',
      message: expect.stringMatching(/express-session/),
    });
  });
});

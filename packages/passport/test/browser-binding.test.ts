import { authorize } from '@neverlose-toolkit/test-support/hostile-provider';
import { MemoryTransactionStore } from 'neverlose-oidc';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hostileProvider, type TestApp, testApps } from './support/app.js';
import { Browser } from './support/browser.js';

// A login is bound to the browser that started it, in both modes of the strategy on Express: the
// session (the session cookie binds), and a `store` (the login cookie binds). A callback URL
// carried to another browser (login CSRF, RFC 9700 §4.7) signs nobody in, and leaves the login
// for the browser that started it.

const provider = hostileProvider();
const app = testApps(provider);

const MODES = [
  { mode: 'the session', strategy: () => ({}) },
  { mode: 'a store', strategy: () => ({ store: new MemoryTransactionStore() }) },
] as const;

async function startLogin(browser: Browser, testApp: TestApp): Promise<string> {
  return authorize(await Browser.location(await browser.get(`${testApp.origin}/auth/neverlose`)));
}

async function whoami(browser: Browser, testApp: TestApp): Promise<unknown> {
  return ((await (await browser.get(`${testApp.origin}/whoami`)).json()) as { user: unknown }).user;
}

describe.each(MODES)('passport-neverlose on Express, logins kept in $mode', ({ strategy }) => {
  it("signs nobody in with the attacker's callback in the victim's browser, and the attacker's own browser still completes", async () => {
    const testApp = await app({}, strategy());
    const attacker = new Browser();
    const callback = await startLogin(attacker, testApp);

    const victim = new Browser();
    const fresh = await victim.get(callback);
    expect(fresh.status).toBe(400);
    expect(await whoami(victim, testApp)).toBeNull();
    // A victim with a login of its own in progress is no better a target.
    await startLogin(victim, testApp);
    expect((await victim.get(callback)).status).toBe(400);
    expect(await whoami(victim, testApp)).toBeNull();
    expect(testApp.verified).toEqual([]);

    expect(await Browser.location(await attacker.get(callback))).toBe('/home');
    expect(await whoami(attacker, testApp)).toEqual({ id: '1337', username: 'darth' });
  });

  it('lets no other browser complete a no_state login', async () => {
    const testApp = await app({}, { ...strategy(), scopes: ['openid', 'profile', 'no_state'] });
    const first = new Browser();
    const callback = await startLogin(first, testApp);
    expect(new URL(callback).searchParams.has('state')).toBe(false);

    const other = new Browser();
    expect((await other.get(callback)).status).toBe(400);
    expect(await whoami(other, testApp)).toBeNull();

    expect(await Browser.location(await first.get(callback))).toBe('/home');
    expect(await whoami(first, testApp)).toEqual({ id: '1337', username: 'darth' });
  });
});

describe('passport-neverlose on Express with a store', () => {
  it('gives the browser its binding in an HttpOnly, SameSite=Lax login cookie, deleted on the callback', async () => {
    const testApp = await app({ session: false }, { store: new MemoryTransactionStore() });
    const browser = new Browser();
    const start = await browser.get(`${testApp.origin}/auth/neverlose`);
    const state = new URL(await Browser.location(start)).searchParams.get('state');
    const [cookie] = start.headers.getSetCookie();
    expect(cookie).toMatch(
      new RegExp(`^nl_login\\.${state}=[\\w-]{43}; Max-Age=600; Path=/; HttpOnly; SameSite=Lax$`),
    );
    const callback = await authorize(await Browser.location(start));
    const done = await browser.get(callback);
    expect(done.headers.getSetCookie()).toContain(
      `nl_login.${state}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax`,
    );
  });

  it('needs no session at all: the login cookie binds the login', async () => {
    const testApp = await app(
      { session: false, customCallback: true },
      { store: new MemoryTransactionStore() },
    );
    const attacker = new Browser();
    const callback = await startLogin(attacker, testApp);
    const refused = await new Browser().get(callback);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ code: 'ERR_TRANSACTION_MISSING' });
    expect(testApp.verified).toEqual([]);
    // The custom callback's req.logIn needs a session this app does not have: what matters here
    // is that verify ran, for the browser that started the login.
    await attacker.get(callback);
    expect(testApp.verified).toHaveLength(1);
  });

  it('keeps the binding in a __Host- Secure cookie when the callback URL is https', async () => {
    const testApp = await app(
      {},
      {
        store: new MemoryTransactionStore(),
        callbackURL: '/auth/neverlose/callback',
        proxy: true,
      },
    );
    const start = await new Browser({ 'x-forwarded-proto': 'https' }).get(
      `${testApp.origin}/auth/neverlose`,
    );
    const authorization = new URL(await Browser.location(start));
    expect(authorization.searchParams.get('redirect_uri')).toMatch(/^https:/);
    const state = authorization.searchParams.get('state');
    expect(start.headers.getSetCookie().find((c) => c.startsWith('__Host-'))).toMatch(
      new RegExp(
        `^__Host-nl_login\\.${state}=[\\w-]{43}; Max-Age=600; Path=/; HttpOnly; SameSite=Lax; Secure$`,
      ),
    );
  });
});

describe('what a developer sees of a lost login cookie, without NODE_DEBUG', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** How far the clock of each test is moved: past every warning of the tests before. */
  let shift = 0;

  /** Console warnings from now on, with the clock moved past the last minute's warnings. */
  function warnings(): string[] {
    const seen: string[] = [];
    const now = Date.now.bind(Date);
    shift += 10 * 60_000;
    const offset = shift;
    vi.spyOn(Date, 'now').mockImplementation(() => now() + offset);
    vi.spyOn(console, 'warn').mockImplementation((message: unknown) => {
      seen.push(String(message));
    });
    return seen;
  }

  it('prints the cause of a callback that came without its cookie, once a minute at most', async () => {
    const seen = warnings();
    const testApp = await app();
    const callback = await startLogin(new Browser(), testApp);
    await new Browser().get(callback);
    await new Browser().get(callback);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/^passport-neverlose: a login failed \(ERR_TRANSACTION_MISSING\)/);
    expect(seen[0]).toContain('localhost and 127.0.0.1');
  });

  it('warns when a login starts on one loopback host for a callback on another', async () => {
    const seen = warnings();
    const testApp = await app({}, { callbackURL: 'http://localhost:3000/auth/neverlose/callback' });
    await new Browser().get(`${testApp.origin}/auth/neverlose`);
    expect(seen).toEqual([
      expect.stringContaining(
        `this login started at ${testApp.origin}, but its callback goes to http://localhost:3000`,
      ),
    ]);
  });
});

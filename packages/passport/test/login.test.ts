import {
  authorize,
  defaultBehaviour,
  startProvider,
  type TestProvider,
} from '@neverlose-toolkit/test-support/hostile-provider';
import { MemoryTransactionStore } from 'neverlose-oidc';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type TestApp, testApps } from './support/app.js';
import { Browser, toCallback as callbackOf } from './support/browser.js';

let provider: TestProvider;
let legacy: TestProvider;

beforeAll(async () => {
  provider = await startProvider();
  legacy = await startProvider({ legacy: true });
});
afterAll(async () => {
  await provider.close();
  await legacy.close();
});
beforeEach(() => {
  provider.behaviour = defaultBehaviour();
});

const app = testApps(() => provider);

/** Starts a login and returns the callback URL the provider sends the browser to. */
async function toCallback(
  browser: Browser,
  testApp: TestApp,
  path = '/auth/neverlose',
): Promise<string> {
  return callbackOf(browser, `${testApp.origin}${path}`);
}

async function whoami(browser: Browser, testApp: TestApp) {
  return (await browser.get(`${testApp.origin}/whoami`)).json() as Promise<{
    user: { id: string; username: string } | null;
    messages: string[];
  }>;
}

describe('passport-neverlose in an Express app', () => {
  it('logs in, regenerates the session and still returns to returnTo', async () => {
    const testApp = await app();
    const browser = new Browser();
    const callback = await toCallback(
      browser,
      testApp,
      '/auth/neverlose?returnTo=%2Fsettings%3Ftab%3D2',
    );
    const sessionBefore = browser.cookies.get('connect.sid');
    expect(sessionBefore).toBeDefined();
    const done = await browser.get(callback);
    expect(await Browser.location(done)).toBe('/settings?tab=2');
    expect(browser.cookies.get('connect.sid')).not.toBe(sessionBefore);
    expect((await whoami(browser, testApp)).user).toEqual({ id: '1337', username: 'darth' });
  });

  it('hands verify a Passport profile', async () => {
    const testApp = await app();
    const browser = new Browser();
    await browser.get(await toCallback(browser, testApp));
    const [{ profile, accessToken }] = testApp.verified as [
      { profile: object; accessToken: string },
    ];
    expect(accessToken).toEqual(expect.any(String));
    expect(profile).toMatchObject({
      provider: 'neverlose',
      id: '1337',
      username: 'darth',
      displayName: 'darth',
      emails: [{ value: 'darth@example.com' }],
      photos: [{ value: 'https://neverlose.cc/static/avatars/1337.png' }],
      profileUrl: 'https://neverlose.cc/forum/members/1337',
      userId: 1337,
      _json: { sub: '1337' },
      _raw: expect.stringContaining('"sub":"1337"'),
    });
  });

  it('passes the request to verify with passReqToCallback', async () => {
    const testApp = await app({}, { passReqToCallback: true });
    const browser = new Browser();
    await browser.get(await toCallback(browser, testApp));
    expect(testApp.verified).toEqual([expect.objectContaining({ hadRequest: true })]);
  });

  it('fails with 403 and a message when the user denies consent', async () => {
    provider.behaviour.deny = true;
    const testApp = await app();
    const browser = new Browser();
    const response = await browser.get(await toCallback(browser, testApp));
    expect(response.status).toBe(403);
    const { user, messages } = await whoami(browser, testApp);
    expect(user).toBeNull();
    expect(messages.join()).toMatch(/denied access/);
  });

  it('fails with 403 when verify refuses the user', async () => {
    const testApp = await app({ accept: false });
    const browser = new Browser();
    const response = await browser.get(await toCallback(browser, testApp));
    expect(response.status).toBe(403);
    expect((await whoami(browser, testApp)).messages).toEqual(['This account is banned.']);
  });

  it('fails with 400 on a replayed callback', async () => {
    const testApp = await app();
    const browser = new Browser();
    const callback = await toCallback(browser, testApp);
    expect((await browser.get(callback)).status).toBe(302);
    const replay = await browser.get(callback);
    expect(replay.status).toBe(400);
  });

  it('fails with 400 on a callback whose state belongs to no login of this session', async () => {
    const testApp = await app();
    const browser = new Browser();
    const callback = new URL(await toCallback(browser, testApp));
    callback.searchParams.set('state', 'forged-state');
    expect((await browser.get(callback)).status).toBe(400);
    expect((await whoami(browser, testApp)).messages.join()).toMatch(
      /came without the cookie of its login/,
    );
  });

  it('fails with 400 on a callback from another browser (session fixation / CSRF)', async () => {
    const testApp = await app();
    const callback = await toCallback(new Browser(), testApp);
    expect((await new Browser().get(callback)).status).toBe(400);
  });

  it('fails with 400 on a callback without state', async () => {
    const testApp = await app();
    const browser = new Browser();
    const callback = new URL(await toCallback(browser, testApp));
    callback.searchParams.delete('state');
    expect((await browser.get(callback)).status).toBe(400);
    expect((await whoami(browser, testApp)).messages.join()).toMatch(/no "state"/);
  });

  it('fails with 400 on an expired login', async () => {
    const testApp = await app({}, { transactionTtl: 1 });
    const browser = new Browser();
    const callback = await toCallback(browser, testApp);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await browser.get(callback)).status).toBe(400);
    expect((await whoami(browser, testApp)).messages.join()).toMatch(/expired/);
  });

  it('fails with 400 when the callback carries another issuer (RFC 9207)', async () => {
    provider.behaviour.issParameter = 'wrong';
    const testApp = await app();
    const browser = new Browser();
    expect((await browser.get(await toCallback(browser, testApp))).status).toBe(400);
  });

  it('reports a provider failure as an error, not a failure', async () => {
    provider.behaviour.tokenError = 'server_error';
    const testApp = await app();
    const browser = new Browser();
    const response = await browser.get(await toCallback(browser, testApp));
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ code: 'ERR_TOKEN_EXCHANGE_FAILED' });
  });

  it('reports a forged id_token as an error', async () => {
    provider.behaviour.idToken = 'bad-signature';
    const testApp = await app();
    const browser = new Browser();
    const response = await browser.get(await toCallback(browser, testApp));
    expect(await response.json()).toMatchObject({ code: 'ERR_ID_TOKEN_INVALID' });
  });

  it('refuses a hostile returnTo with 400 before leaving the app', async () => {
    const testApp = await app();
    const response = await new Browser().get(
      `${testApp.origin}/auth/neverlose?returnTo=%2F%2Fevil.example`,
    );
    expect(response.status).toBe(400);
  });

  it('says how to mount express-session when there is no session', async () => {
    const testApp = await app({ session: false });
    const response = await new Browser().get(`${testApp.origin}/auth/neverlose`);
    expect(response.status).toBe(500);
    expect((await response.json()).message).toMatch(
      /Did you forget to use express-session middleware\?/,
    );
  });

  it('saves the session before redirecting to the provider', async () => {
    const testApp = await app();
    const browser = new Browser();
    const response = await browser.get(`${testApp.origin}/auth/neverlose`);
    expect(response.status).toBe(302);
    expect(browser.cookies.has('connect.sid')).toBe(true);
  });
});

describe('two tabs', () => {
  it('completes both logins, in reverse order, with a shared store', async () => {
    const testApp = await app({}, { store: new MemoryTransactionStore() });
    const browser = new Browser();
    const first = await toCallback(browser, testApp, '/auth/neverlose?returnTo=%2Fone');
    const second = await toCallback(browser, testApp, '/auth/neverlose?returnTo=%2Ftwo');
    expect(await Browser.location(await browser.get(second))).toBe('/two');
    expect(await Browser.location(await browser.get(first))).toBe('/one');
  });

  it('completes both logins kept in one session when Passport keeps session info', async () => {
    const testApp = await app({ authenticate: { keepSessionInfo: true } });
    const browser = new Browser();
    const first = await toCallback(browser, testApp, '/auth/neverlose?returnTo=%2Fone');
    const second = await toCallback(browser, testApp, '/auth/neverlose?returnTo=%2Ftwo');
    expect(await Browser.location(await browser.get(second))).toBe('/two');
    expect(await Browser.location(await browser.get(first))).toBe('/one');
  });
});

describe('behind a TLS-terminating proxy', () => {
  const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.example' };

  it('builds an https redirect_uri from X-Forwarded-Proto with the proxy option, and logs in', async () => {
    const testApp = await app({}, { proxy: true });
    const browser = new Browser(forwarded);
    const providerUrl = new URL(
      await Browser.location(await browser.get(`${testApp.origin}/auth/neverlose`)),
    );
    expect(providerUrl.searchParams.get('redirect_uri')).toBe(
      'https://app.example/auth/neverlose/callback',
    );
    const callback = new URL(await authorize(providerUrl));
    expect(callback.origin).toBe('https://app.example');
    // The proxy forwards the public callback to the app over plain HTTP.
    const done = await browser.get(`${testApp.origin}${callback.pathname}${callback.search}`);
    expect(await Browser.location(done)).toBe('/home');
  });

  it('follows Express trust proxy through req.protocol', async () => {
    const testApp = await app({ trustProxy: true });
    const browser = new Browser({ 'x-forwarded-proto': 'https' });
    const providerUrl = new URL(
      await Browser.location(await browser.get(`${testApp.origin}/auth/neverlose`)),
    );
    expect(providerUrl.searchParams.get('redirect_uri')).toMatch(
      /^https:\/\/127\.0\.0\.1:\d+\/auth\/neverlose\/callback$/,
    );
  });

  it('ignores forwarded headers without proxy awareness', async () => {
    const testApp = await app();
    const browser = new Browser(forwarded);
    const providerUrl = new URL(
      await Browser.location(await browser.get(`${testApp.origin}/auth/neverlose`)),
    );
    expect(providerUrl.searchParams.get('redirect_uri')).toBe(
      `${testApp.origin}/auth/neverlose/callback`,
    );
  });
});

describe('static-endpoint mode', () => {
  it('logs in against the April 2025 provider, with no id_token', async () => {
    const testApp = await app(
      {},
      {
        issuer: legacy.issuer,
        endpoints: {
          authorization: `${legacy.issuer}/oauth/authorize`,
          token: `${legacy.issuer}/oauth/token`,
          userinfo: `${legacy.issuer}/oauth/oidc_userinfo`,
        },
      },
    );
    const browser = new Browser();
    const providerUrl = new URL(
      await Browser.location(await browser.get(`${testApp.origin}/auth/neverlose`)),
    );
    expect(providerUrl.origin).toBe(legacy.issuer);
    expect(providerUrl.searchParams.has('nonce')).toBe(false);
    expect(await Browser.location(await browser.get(await authorize(providerUrl)))).toBe('/home');
    expect((await whoami(browser, testApp)).user).toEqual({ id: '1337', username: 'darth' });
  });
});

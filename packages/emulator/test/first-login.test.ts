import { createNeverloseClient } from 'neverlose-oidc';
import { describe, expect, it } from 'vitest';
import { DEMO_REDIRECT_URIS, defaultConfig } from '../src/index.js';
import { emulator, signInThroughPages, startCli } from './helpers.js';

/** Starts an authorization at the emulator for `redirectUri`, as neverlose-oidc would. */
async function authorizationUrl(issuer: string, redirectUri: string): Promise<URL> {
  const client = await createNeverloseClient({
    issuer,
    dangerouslyAllowInsecureHttp: true,
    clientId: 'emulator-client',
    clientSecret: 'emulator-secret',
    redirectUri,
  });
  return (await client.startAuthorization()).url;
}

function authorize(base: string, params: Record<string, string>): string {
  const url = new URL(`${base}/oauth2/authorize`);
  for (const [key, value] of Object.entries({
    client_id: 'emulator-client',
    response_type: 'code',
    scope: 'openid',
    state: 's',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
    ...params,
  }))
    url.searchParams.set(key, value);
  return url.href;
}

describe('the first login of an app written from the READMEs', () => {
  it.each([
    'http://127.0.0.1:3000/auth/neverlose/callback', // passport-neverlose, express-passport
    'http://localhost:3000/auth/neverlose/callback', // passport's relative callbackURL on localhost
    'http://127.0.0.1:3001/callback', // the web-standard example
    'http://localhost:5173/callback', // a Vite dev server
    'http://localhost:3000/api/auth/callback/neverlose', // Auth.js
    'http://127.0.0.1:3000/auth/callback/neverlose', // Auth.js on @auth/express, mounted on /auth
  ])('accepts %s in the demo seed and completes a login', async (redirectUri) => {
    const emu = await emulator();
    const client = await createNeverloseClient({
      issuer: emu.url,
      dangerouslyAllowInsecureHttp: true,
      clientId: 'emulator-client',
      clientSecret: 'emulator-secret',
      redirectUri,
    });
    const { url, transaction, binding } = await client.startAuthorization();
    const callback = await signInThroughPages(emu.url, url.href, 'alice');
    expect(callback.startsWith(`${redirectUri}?`)).toBe(true);
    const { profile } = await client.completeAuthorization(callback, transaction, binding);
    expect(profile).toMatchObject({ id: '1', email: 'alice@example.test' });
  });

  it('registers every local callback path on 127.0.0.1 and localhost, ports 3000, 3001, 5173, 8080', () => {
    expect(DEMO_REDIRECT_URIS).toHaveLength(40);
    expect(defaultConfig().oauthClients?.[0]?.redirectUris).toEqual(DEMO_REDIRECT_URIS);
    expect(DEMO_REDIRECT_URIS).toContain('http://localhost:8080/auth/callback');
  });
});

describe('the error page of an authorization the emulator cannot redirect back', () => {
  it('shows the redirect_uri received, the registered ones, and three ways to register it', async () => {
    const emu = await emulator({
      config: defaultConfig({ redirectUris: ['http://127.0.0.1:3000/callback'] }),
    });
    const response = await fetch(await authorizationUrl(emu.url, 'http://127.0.0.1:4000/cb'), {
      redirect: 'manual',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    const page = await response.text();
    expect(page).toContain('is not registered for this application');
    expect(page).toMatch(
      /id="error-received-redirect-uri"><code>&quot;http:\/\/127\.0\.0\.1:4000\/cb&quot;<\/code>/,
    );
    expect(page).toMatch(
      /<ul id="error-registered-uris"><li><code>http:\/\/127\.0\.0\.1:3000\/callback<\/code><\/li><\/ul>/,
    );
    expect(page).toContain("--redirect-uri 'http://127.0.0.1:4000/cb'");
    expect(page).toContain('oauthClients[].redirectUris');
    const shown = page.replaceAll('&#39;', "'").replaceAll('&quot;', '"');
    expect(shown).toContain(
      `curl -X POST '${emu.url}/admin/api/oauth-clients/emulator-client/redirect-uris' -H 'content-type: application/json' -d '{"uri":"http://127.0.0.1:4000/cb"}'`,
    );
  });

  it('shows an unknown client_id and the registered client ids', async () => {
    const emu = await emulator();
    const response = await fetch(
      authorize(emu.url, { client_id: 'my-app', redirect_uri: 'http://127.0.0.1:3000/callback' }),
    );
    const page = await response.text();
    expect(response.status).toBe(400);
    expect(page).toContain('Unknown client_id');
    expect(page).toContain('id="error-received-client-id"><code>&quot;my-app&quot;</code>');
    expect(page).toMatch(
      /<ul id="error-registered-clients"><li><code>emulator-client<\/code><\/li><li><code>emulator-legacy-client<\/code><\/li><\/ul>/,
    );
  });

  it('says when redirect_uri was not sent or sent twice', async () => {
    const emu = await emulator();
    const missing = await (await fetch(authorize(emu.url, {}))).text();
    expect(missing).toContain('id="error-received-redirect-uri"><span class="muted">(not sent)');
    const twice = new URL(authorize(emu.url, { redirect_uri: 'http://127.0.0.1:3000/callback' }));
    twice.searchParams.append('redirect_uri', 'http://127.0.0.1:3000/callback');
    expect(await (await fetch(twice)).text()).toContain('is repeated');
  });

  it('escapes what it reflects, never into an attribute, and keeps hostile text out of the command', async () => {
    const emu = await emulator();
    const hostile = `http://127.0.0.1:3000/x'"><script>alert(1)</script>\u0007`;
    const page = await (
      await fetch(authorize(emu.url, { redirect_uri: hostile, client_id: '<b>"x"</b>' }))
    ).text();
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('<b>');
    expect(page).toContain('&lt;script&gt;');
    // Control characters show as JSON escapes.
    expect(page).toContain('\\u0007');
    // Every attribute value is one the emulator wrote itself.
    const attributes = [...page.matchAll(/\s[a-z-]+="([^"]*)"/g)].map((m) => m[1]);
    for (const value of attributes) expect(value).not.toMatch(/script|alert|127\.0\.0\.1:3000\/x/);
    const unknownClient = await (
      await fetch(authorize(emu.url, { client_id: 'nope', redirect_uri: hostile }))
    ).text();
    // A value that is no plain URL is not put into the shell commands shown.
    expect(unknownClient).toContain("--redirect-uri 'http://127.0.0.1:3000/callback'");
    expect(unknownClient).not.toContain("x'");
  });
});

describe('registering a redirect URI', () => {
  it('adds one through the admin API, after which the login goes through', async () => {
    const emu = await emulator();
    const uri = 'http://127.0.0.1:4000/cb';
    expect((await fetch(await authorizationUrl(emu.url, uri))).status).toBe(400);
    const response = await fetch(
      `${emu.url}/admin/api/oauth-clients/emulator-client/redirect-uris`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ uri }),
      },
    );
    expect(response.status).toBe(200);
    expect(((await response.json()) as { redirectUris: string[] }).redirectUris).toContain(uri);
    expect((await fetch(await authorizationUrl(emu.url, uri))).status).toBe(200);
  });

  it.each([
    [{ uri: 'ftp://x/cb' }, 'uri must be an absolute http(s) URL'],
    [{ uri: 'http://127.0.0.1:4000/cb#frag' }, 'uri must not have a fragment'],
    [{ uris: ['http://x/cb'] }, 'uris: only uri can be sent'],
  ])('refuses %j with a 400 naming the field', async (body, message) => {
    const emu = await emulator();
    const response = await fetch(
      `${emu.url}/admin/api/oauth-clients/emulator-client/redirect-uris`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      },
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toContain(message);
  });

  it('answers 404 for an unknown client', async () => {
    const emu = await emulator();
    const response = await fetch(`${emu.url}/admin/api/oauth-clients/nope/redirect-uris`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ uri: 'http://127.0.0.1:4000/cb' }),
    });
    expect(response.status).toBe(404);
  });

  it('adds --redirect-uri to every OAuth client of the seed', async () => {
    const { url, out, exit } = await startCli(['--redirect-uri', 'http://127.0.0.1:4000/cb']);
    expect(out.text()).toContain('http://127.0.0.1:4000  /cb');
    expect((await fetch(await authorizationUrl(url, 'http://127.0.0.1:4000/cb'))).status).toBe(200);
    process.emit('SIGTERM');
    expect(await exit).toBe(0);
  });
});

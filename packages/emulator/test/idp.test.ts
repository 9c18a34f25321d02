import { createHash } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { atHash } from '../src/idp/id-token.js';
import { emulator, exchangeLegacyCode, signInThroughPages } from './helpers.js';

const REDIRECT = 'http://127.0.0.1:3000/callback';
const VERIFIER = 'dBjftJeZ4CVP-mJ92K9Ftbb0fI8jP4hwGbbN_pbxsHc';
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');

async function oidc(url: string, auth: 'basic' | 'post' = 'basic') {
  const secret = 'emulator-secret';
  return client.discovery(
    new URL(url),
    'emulator-client',
    undefined,
    auth === 'basic' ? client.ClientSecretBasic(secret) : client.ClientSecretPost(secret),
    { execute: [client.allowInsecureRequests] },
  );
}

function authorizeUrl(
  base: string,
  params: Record<string, string | undefined>,
  path = '/oauth2/authorize',
): string {
  const url = new URL(`${base}${path}`);
  const all: Record<string, string | undefined> = {
    client_id: 'emulator-client',
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: 'openid profile email',
    state: 'st4te',
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
    ...params,
  };
  for (const [key, value] of Object.entries(all))
    if (value !== undefined) url.searchParams.set(key, value);
  return url.href;
}

async function tokenRequest(
  base: string,
  form: Record<string, string>,
  basic = true,
  path = '/oauth2/token',
) {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const body = new URLSearchParams(form);
  if (basic)
    headers['authorization'] =
      `Basic ${Buffer.from('emulator-client:emulator-secret').toString('base64')}`;
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers,
    body: body.toString(),
  });
  return {
    status: response.status,
    json: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

async function codeFor(
  base: string,
  params: Record<string, string | undefined> = {},
  path?: string,
) {
  const location = new URL(
    await signInThroughPages(base, authorizeUrl(base, params, path), 'alice'),
  );
  const code = location.searchParams.get('code');
  if (code === null) throw new Error(`no code: ${location.href}`);
  return code;
}

describe('identity provider: discovery and keys', () => {
  it('publishes discovery with the endpoints, S256 only, both client auth methods', async () => {
    const emu = await emulator();
    const doc = (await (
      await fetch(`${emu.url}/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>;
    expect(doc).toMatchObject({
      issuer: emu.url,
      authorization_endpoint: `${emu.url}/oauth2/authorize`,
      token_endpoint: `${emu.url}/oauth2/token`,
      userinfo_endpoint: `${emu.url}/oauth2/userinfo`,
      jwks_uri: `${emu.url}/.well-known/jwks.json`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
    const jwks = (await (await fetch(`${emu.url}/.well-known/jwks.json`)).json()) as {
      keys: Record<string, unknown>[];
    };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('uses a configured issuer and ES256 when asked', async () => {
    const emu = await emulator({
      config: { issuer: 'https://neverlose.cc', settings: { idTokenAlg: 'ES256' } },
    });
    const doc = (await (
      await fetch(`${emu.url}/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>;
    expect(doc['issuer']).toBe('https://neverlose.cc');
    expect(doc['id_token_signing_alg_values_supported']).toEqual(['ES256']);
  });
});

describe('identity provider: a full login with openid-client', () => {
  it.each(['basic', 'post'] as const)(
    'logs in with PKCE, nonce and client_secret_%s',
    async (auth) => {
      const emu = await emulator();
      const config = await oidc(emu.url, auth);
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT,
        scope: 'openid profile email',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      const callback = await signInThroughPages(emu.url, url.href, 'alice');
      const tokens = await client.authorizationCodeGrant(config, new URL(callback), {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
      });
      const claims = tokens.claims();
      expect(claims).toMatchObject({ iss: emu.url, aud: 'emulator-client', sub: '1', nonce });
      expect(claims?.['at_hash']).toBe(atHash(tokens.access_token));
      expect((claims?.exp ?? 0) - (claims?.iat ?? 0)).toBe(3600);
      expect(tokens.expires_in).toBe(3600);
      expect(tokens.refresh_token).toBeUndefined();
      const info = await client.fetchUserInfo(config, tokens.access_token, '1');
      expect(info).toEqual({
        sub: '1',
        preferred_username: 'alice',
        name: 'alice',
        profile: `${emu.url}/users/alice`,
        picture: `${emu.url}/avatars/1.png`,
        email: 'alice@example.test',
        'cc.neverlose.reg_date': '2019-04-12',
        'cc.neverlose.user_id': 1,
        'cc.neverlose.login': 'alice',
      });
      expect((await fetch(info.picture as string)).headers.get('content-type')).toBe('image/png');
    },
  );

  it('grants userinfo claims by scope', async () => {
    const emu = await emulator();
    const code = await codeFor(emu.url, { scope: 'openid' });
    const token = await tokenRequest(emu.url, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: VERIFIER,
    });
    const info = await fetch(`${emu.url}/oauth2/userinfo`, {
      headers: { authorization: `Bearer ${token.json['access_token']}` },
    });
    expect(await info.json()).toEqual({ sub: '1', 'cc.neverlose.reg_date': '2019-04-12' });
    const email = await codeFor(emu.url, { scope: 'openid email' });
    const token2 = await tokenRequest(emu.url, {
      grant_type: 'authorization_code',
      code: email,
      redirect_uri: REDIRECT,
      code_verifier: VERIFIER,
    });
    const info2 = await fetch(`${emu.url}/oauth2/userinfo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token2.json['access_token']}` },
    });
    expect(await info2.json()).toEqual({
      sub: '1',
      'cc.neverlose.reg_date': '2019-04-12',
      email: 'alice@example.test',
    });
  });

  it('signs the id_token with the published key and the docs fields', async () => {
    const emu = await emulator();
    const code = await codeFor(emu.url, { nonce: 'n-0S6_WzA2Mj' });
    const token = await tokenRequest(emu.url, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: VERIFIER,
    });
    const jwks = await (await fetch(`${emu.url}/.well-known/jwks.json`)).json();
    const { payload, protectedHeader } = await jwtVerify(
      token.json['id_token'] as string,
      createLocalJWKSet(jwks as never),
      {
        issuer: emu.url,
        audience: 'emulator-client',
      },
    );
    expect(protectedHeader.alg).toBe('RS256');
    expect(Object.keys(payload).sort()).toEqual([
      'at_hash',
      'aud',
      'exp',
      'iat',
      'iss',
      'nonce',
      'sub',
    ]);
    expect(payload['nonce']).toBe('n-0S6_WzA2Mj');
  });
});

describe('identity provider: the earlier fixed paths', () => {
  it('answers /oauth/authorize, /oauth/token and /oauth/oidc_userinfo without an id_token', async () => {
    const emu = await emulator();
    const code = await codeFor(emu.url, {}, '/oauth/authorize');
    const token = await tokenRequest(
      emu.url,
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: VERIFIER },
      true,
      '/oauth/token',
    );
    expect(token.status).toBe(200);
    expect(token.json['id_token']).toBeUndefined();
    const info = await fetch(`${emu.url}/oauth/oidc_userinfo`, {
      headers: { authorization: `Bearer ${token.json['access_token']}` },
    });
    expect(await info.json()).toMatchObject({ sub: '1', preferred_username: 'alice' });
  });

  it('issues an id_token there too when legacyTokenEndpointIssuesIdToken is set', async () => {
    const emu = await emulator({
      config: {
        ...(await import('../src/index.js')).defaultConfig(),
        settings: { legacyTokenEndpointIssuesIdToken: true },
      },
    });
    const code = await codeFor(emu.url, {}, '/oauth/authorize');
    const token = await tokenRequest(
      emu.url,
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: VERIFIER },
      true,
      '/oauth/token',
    );
    expect(decodeJwt(token.json['id_token'] as string).sub).toBe('1');
  });

  it('lets a permitted client skip PKCE with no_pkce, and state with no_state', async () => {
    const emu = await emulator();
    const url = authorizeUrl(emu.url, {
      client_id: 'emulator-legacy-client',
      scope: 'openid no_pkce no_state',
      state: undefined,
      code_challenge: undefined,
      code_challenge_method: undefined,
    });
    const location = new URL(await signInThroughPages(emu.url, url, 'bob'));
    expect(location.searchParams.has('state')).toBe(false);
    const response = await exchangeLegacyCode(
      emu.url,
      location.searchParams.get('code') ?? '',
      '/oauth/token',
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      token_type: 'Bearer',
      scope: 'openid no_pkce no_state',
    });
  });
});

describe('identity provider: authorization errors', () => {
  it('shows an error page (no redirect) for an unknown client or an unregistered redirect_uri', async () => {
    const emu = await emulator();
    for (const params of [
      { client_id: 'nope' },
      { client_id: undefined },
      { redirect_uri: 'http://127.0.0.1:3000/callback/' },
      { redirect_uri: 'http://evil.example/callback' },
    ]) {
      const response = await fetch(authorizeUrl(emu.url, params), { redirect: 'manual' });
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      expect(await response.text()).toContain('id="error-message"');
    }
  });

  it.each([
    ['a missing state', { state: undefined }, 'invalid_request', 'state'],
    [
      'a missing PKCE challenge',
      { code_challenge: undefined, code_challenge_method: undefined },
      'invalid_request',
      'PKCE',
    ],
    ['the plain PKCE method', { code_challenge_method: 'plain' }, 'invalid_request', 'plain'],
    [
      'a challenge without a method',
      { code_challenge_method: undefined },
      'invalid_request',
      'plain',
    ],
    ['a malformed challenge', { code_challenge: 'short' }, 'invalid_request', '43'],
    [
      'no_pkce from a client not permitted',
      { scope: 'openid no_pkce', code_challenge: undefined, code_challenge_method: undefined },
      'invalid_scope',
      'no_pkce',
    ],
    ['an unknown scope', { scope: 'openid admin' }, 'invalid_scope', 'admin'],
    ['an empty scope', { scope: '' }, 'invalid_scope', 'required'],
    ['response_type=token', { response_type: 'token' }, 'unsupported_response_type', 'code'],
  ])('redirects %s with an OAuth error', async (_name, params, error, detail) => {
    const emu = await emulator();
    const response = await fetch(authorizeUrl(emu.url, params), { redirect: 'manual' });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get('error')).toBe(error);
    expect(location.searchParams.get('error_description')).toContain(detail);
    if ('state' in params) expect(location.searchParams.has('state')).toBe(false);
    else expect(location.searchParams.get('state')).toBe('st4te');
  });

  it('refuses repeated parameters', async () => {
    const emu = await emulator();
    const response = await fetch(`${authorizeUrl(emu.url, {})}&state=again`, {
      redirect: 'manual',
    });
    expect(response.status).toBe(400);
  });

  it('redirects Deny and Cancel with access_denied and the state', async () => {
    const emu = await emulator();
    const denied = new URL(
      await signInThroughPages(emu.url, authorizeUrl(emu.url, {}), 'alice', 'deny'),
    );
    expect(denied.searchParams.get('error')).toBe('access_denied');
    expect(denied.searchParams.get('state')).toBe('st4te');
    const page = await (await fetch(authorizeUrl(emu.url, {}))).text();
    const request = /name="request" value="([^"]+)"/.exec(page)?.[1] ?? '';
    const cancel = await fetch(`${emu.url}/oauth2/authorize/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ request, cancel: '1' }).toString(),
      redirect: 'manual',
    });
    expect(new URL(cancel.headers.get('location') ?? '').searchParams.get('error')).toBe(
      'access_denied',
    );
  });

  it('refuses a stale or forged sign-in request and an unknown user', async () => {
    const emu = await emulator();
    const post = (form: Record<string, string>, path = 'sign-in') =>
      fetch(`${emu.url}/oauth2/authorize/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      });
    expect((await post({ request: 'forged', user_id: '1' })).status).toBe(400);
    const page = await (await fetch(authorizeUrl(emu.url, {}))).text();
    const request = /name="request" value="([^"]+)"/.exec(page)?.[1] ?? '';
    expect((await post({ request, user_id: '999' })).status).toBe(400);
    expect((await post({ request, decision: 'allow' }, 'consent')).status).toBe(400);
    const html = await (await post({ request, user_id: '2' })).text();
    expect(html).toContain('id="consent-allow"');
    expect(html).toContain('id="consent-deny"');
    expect((await post({ request, decision: 'maybe' }, 'consent')).status).toBe(400);
  });

  it('escapes client names and scopes in its pages', async () => {
    const config = (await import('../src/index.js')).defaultConfig();
    const emu = await emulator({
      config: {
        ...config,
        oauthClients: [
          {
            clientId: 'x',
            clientSecret: 'y',
            name: '<script>alert(1)</script>',
            redirectUris: [REDIRECT],
          },
        ],
      },
    });
    const html = await (await fetch(authorizeUrl(emu.url, { client_id: 'x' }))).text();
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
  });
});

describe('identity provider: token endpoint', () => {
  it('makes codes single-use and revokes the tokens of a replayed code', async () => {
    const emu = await emulator();
    const code = await codeFor(emu.url);
    const form = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: VERIFIER,
    };
    const first = await tokenRequest(emu.url, form);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-store');
    const replay = await tokenRequest(emu.url, form);
    expect(replay).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
    const info = await fetch(`${emu.url}/oauth2/userinfo`, {
      headers: { authorization: `Bearer ${first.json['access_token']}` },
    });
    expect(info.status).toBe(401);
    expect(info.headers.get('www-authenticate')).toContain('invalid_token');
  });

  it('binds codes to the exact redirect_uri, the PKCE verifier and a short lifetime', async () => {
    let now = Date.now();
    const emu = await emulator({ now: () => now });
    const base = {
      grant_type: 'authorization_code',
      redirect_uri: REDIRECT,
      code_verifier: VERIFIER,
    };
    const wrongUri = await tokenRequest(emu.url, {
      ...base,
      code: await codeFor(emu.url),
      redirect_uri: 'http://localhost:3000/callback',
    });
    expect(wrongUri.json).toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringContaining('redirect_uri'),
    });
    const wrongVerifier = await tokenRequest(emu.url, {
      ...base,
      code: await codeFor(emu.url),
      code_verifier: 'x'.repeat(43),
    });
    expect(wrongVerifier.json).toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringContaining('code_challenge'),
    });
    const noVerifier = await tokenRequest(emu.url, {
      grant_type: 'authorization_code',
      redirect_uri: REDIRECT,
      code: await codeFor(emu.url),
    });
    expect(noVerifier.json).toMatchObject({ error: 'invalid_grant' });
    const code = await codeFor(emu.url);
    now += 60_000;
    expect((await tokenRequest(emu.url, { ...base, code })).json).toMatchObject({
      error: 'invalid_grant',
      error_description: 'The code expired.',
    });
  });

  it('expires access tokens', async () => {
    let now = Date.now();
    const emu = await emulator({ now: () => now });
    const token = await tokenRequest(emu.url, {
      grant_type: 'authorization_code',
      redirect_uri: REDIRECT,
      code_verifier: VERIFIER,
      code: await codeFor(emu.url),
    });
    now += 3600_000;
    const info = await fetch(`${emu.url}/oauth2/userinfo`, {
      headers: { authorization: `Bearer ${token.json['access_token']}` },
    });
    expect(info.status).toBe(401);
  });

  it('answers client and request errors per RFC 6749', async () => {
    const emu = await emulator();
    const code = await codeFor(emu.url);
    const form = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: VERIFIER,
    };
    const noAuth = await tokenRequest(emu.url, form, false);
    expect(noAuth).toMatchObject({ status: 401, json: { error: 'invalid_client' } });
    const wrongSecret = await tokenRequest(
      emu.url,
      { ...form, client_id: 'emulator-client', client_secret: 'nope' },
      false,
    );
    expect(wrongSecret).toMatchObject({ status: 401, json: { error: 'invalid_client' } });
    const both = await tokenRequest(emu.url, { ...form, client_secret: 'emulator-secret' });
    expect(both).toMatchObject({ status: 400, json: { error: 'invalid_request' } });
    const badBasic = await fetch(`${emu.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Basic %%%' },
      body: new URLSearchParams(form).toString(),
    });
    expect(badBasic.status).toBe(401);
    expect(badBasic.headers.get('www-authenticate')).toContain('Basic');
    expect(
      (await tokenRequest(emu.url, { ...form, grant_type: 'refresh_token' })).json,
    ).toMatchObject({ error: 'unsupported_grant_type' });
    expect((await tokenRequest(emu.url, { code })).json).toMatchObject({
      error: 'invalid_request',
    });
    expect((await tokenRequest(emu.url, { grant_type: 'authorization_code' })).json).toMatchObject({
      error: 'invalid_request',
    });
    expect((await tokenRequest(emu.url, { ...form, code: 'unknown' })).json).toMatchObject({
      error: 'invalid_grant',
    });
    const json = await fetch(`${emu.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(await json.json()).toMatchObject({ error: 'invalid_request' });
    const get = await fetch(`${emu.url}/oauth2/token`);
    expect(get.status).toBe(405);
  });

  it('answers userinfo errors with WWW-Authenticate', async () => {
    const emu = await emulator();
    const none = await fetch(`${emu.url}/oauth2/userinfo`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    const bad = await fetch(`${emu.url}/oauth2/userinfo`, {
      headers: { authorization: 'Bearer nope' },
    });
    expect(await bad.json()).toMatchObject({ error: 'invalid_token' });
    const code = await codeFor(emu.url, { scope: 'profile' });
    const token = await tokenRequest(emu.url, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: VERIFIER,
    });
    expect(token.json['id_token']).toBeUndefined();
    const noOpenid = await fetch(`${emu.url}/oauth2/userinfo`, {
      headers: { authorization: `Bearer ${token.json['access_token']}` },
    });
    expect(noOpenid.status).toBe(403);
    expect(await noOpenid.json()).toMatchObject({ error: 'insufficient_scope' });
  });
});

import { createHash } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { generateSigningKey, startEmulator } from '../src/index.js';
import { emulator, signInThroughPages } from './helpers.js';

const REDIRECT = 'http://127.0.0.1:3000/callback';
const VERIFIER = 'dBjftJeZ4CVP-mJ92K9Ftbb0fI8jP4hwGbbN_pbxsHc';
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');

async function jwks(url: string): Promise<{ keys: { kid: string }[] }> {
  return (await (await fetch(`${url}/.well-known/jwks.json`)).json()) as {
    keys: { kid: string }[];
  };
}

/** Signs in as alice and returns the id_token. */
async function idToken(url: string): Promise<string> {
  const authorize = new URL(`${url}/oauth2/authorize`);
  for (const [key, value] of Object.entries({
    client_id: 'emulator-client',
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: 'openid',
    state: 's',
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
  }))
    authorize.searchParams.set(key, value);
  const code = new URL(await signInThroughPages(url, authorize.href, 'alice')).searchParams.get(
    'code',
  );
  const response = await fetch(`${url}/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from('emulator-client:emulator-secret').toString('base64')}`,
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: code ?? '',
      redirect_uri: REDIRECT,
      code_verifier: VERIFIER,
    }),
  });
  return ((await response.json()) as { id_token: string }).id_token;
}

describe('signing keys', () => {
  it('signs with a key handed to startEmulator and publishes it', async () => {
    const signingKey = await generateSigningKey('RS256');
    const emu = await emulator({ signingKey });
    expect((await jwks(emu.url)).keys.map((k) => k.kid)).toEqual([signingKey.kid]);
    expect(decodeProtectedHeader(await idToken(emu.url)).kid).toBe(signingKey.kid);
  });

  it('gives each emulator started without a key its own', async () => {
    const first = await startEmulator();
    const second = await startEmulator();
    try {
      const [a, b] = await Promise.all([jwks(first.url), jwks(second.url)]);
      expect(a.keys).toHaveLength(1);
      expect(a.keys[0]?.kid).not.toBe(b.keys[0]?.kid);
      // The key, made at the first need, stays the same afterwards.
      expect((await jwks(first.url)).keys).toEqual(a.keys);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });

  it('refuses a key of another algorithm than settings.idTokenAlg, naming both', async () => {
    const signingKey = await generateSigningKey('ES256');
    await expect(startEmulator({ signingKey })).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
      message: expect.stringMatching(
        /signingKey is an ES256 key but settings\.idTokenAlg is RS256/,
      ),
    });
    await expect(startEmulator({ signingKey: {} as never })).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
      message: expect.stringContaining('signingKey must be a key from generateSigningKey()'),
    });
  });

  it('rotates: new id_tokens carry the new kid, and tokens signed before still verify', async () => {
    const emu = await emulator();
    const before = await idToken(emu.url);
    const oldKid = decodeProtectedHeader(before).kid;
    const next = await emu.rotateSigningKey();
    expect(next.kid).not.toBe(oldKid);
    const published = await jwks(emu.url);
    expect(published.keys.map((k) => k.kid)).toEqual([next.kid, oldKid]);
    const after = await idToken(emu.url);
    expect(decodeProtectedHeader(after).kid).toBe(next.kid);
    const keySet = createLocalJWKSet(published as never);
    for (const token of [before, after])
      await expect(jwtVerify(token, keySet, { issuer: emu.url })).resolves.toBeDefined();
  });

  it('rotates through the admin API', async () => {
    const emu = await emulator();
    const oldKid = (await jwks(emu.url)).keys[0]?.kid;
    const response = await fetch(`${emu.url}/admin/api/signing-keys/rotate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    const body = (await response.json()) as { kid: string; alg: string };
    expect(response.status).toBe(200);
    expect(body).toMatchObject({ alg: 'RS256', kid: expect.any(String) });
    expect((await jwks(emu.url)).keys.map((k) => k.kid)).toEqual([body.kid, oldKid]);
  });
});

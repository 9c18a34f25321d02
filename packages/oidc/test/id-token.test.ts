import { base64url, exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDiagnosticSink } from '../src/diagnostics/sink.js';
import { accessTokenHash } from '../src/id-token/checks.js';
import { type ProviderKeys, providerKeys } from '../src/id-token/keys.js';
import { verifyIdToken } from '../src/id-token/verify.js';

// verifyIdToken checks an id_token a framework obtained with its own token exchange (Auth.js,
// better-auth): the core's signature, iat and at_hash checks, and the claims openid-client checks
// when the core makes the exchange. Tokens are signed here, the JWK Set served by a fetch stub.

const ISSUER = 'https://neverlose.cc';
const CLIENT_ID = 'app';
const ACCESS_TOKEN = 'access-token-1';
const JWKS_URI = 'https://neverlose.cc/oauth/jwks';
const now = () => Math.floor(Date.now() / 1000);

let privateKey: CryptoKey;
let keys: ProviderKeys;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  keys = providerKeys(JWKS_URI, {
    fetch: async () => Response.json({ keys: [jwk] }),
    timeout: 5000,
    events: createDiagnosticSink({ issuer: ISSUER, clientId: CLIENT_ID }, undefined),
  });
});

async function idToken(claims: JWTPayload = {}, omit: readonly string[] = []): Promise<string> {
  const payload: JWTPayload = {
    iss: ISSUER,
    sub: '1337',
    aud: CLIENT_ID,
    iat: now(),
    exp: now() + 3600,
    at_hash: await accessTokenHash(ACCESS_TOKEN, 'RS256'),
    ...claims,
  };
  for (const name of omit) delete payload[name];
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(privateKey);
}

function verify(token: string, accessToken = ACCESS_TOKEN) {
  return verifyIdToken(
    token,
    accessToken,
    { issuer: ISSUER, clientId: CLIENT_ID },
    keys,
    Date.now(),
  );
}

function refused(message: RegExp) {
  return { code: 'ERR_ID_TOKEN_INVALID', message: expect.stringMatching(message) };
}

describe('verifyIdToken (an id_token a framework obtained)', () => {
  it('returns the claims of a token that passes every check', async () => {
    await expect(verify(await idToken())).resolves.toMatchObject({ sub: '1337', aud: CLIENT_ID });
  });

  it('accepts an aud list that names the client when azp is the client', async () => {
    const token = await idToken({ aud: [CLIENT_ID, 'other'], azp: CLIENT_ID });
    await expect(verify(token)).resolves.toMatchObject({ azp: CLIENT_ID });
  });

  it('refuses a payload changed after signing', async () => {
    const [header, , signature] = (await idToken()).split('.');
    const forged = base64url.encode(JSON.stringify({ iss: ISSUER, sub: '1', aud: CLIENT_ID }));
    await expect(verify(`${header}.${forged}.${signature}`)).rejects.toMatchObject(
      refused(/signature does not verify/),
    );
  });

  it('refuses another issuer', async () => {
    await expect(verify(await idToken({ iss: 'https://evil.example' }))).rejects.toMatchObject(
      refused(/"iss" is "https:\/\/evil.example", not the issuer/),
    );
  });

  it('refuses an aud that does not name the client', async () => {
    await expect(verify(await idToken({ aud: 'another-app' }))).rejects.toMatchObject(
      refused(/"aud" does not name this client/),
    );
  });

  it('refuses an aud list with other clients when azp is not the client', async () => {
    await expect(verify(await idToken({ aud: [CLIENT_ID, 'other'] }))).rejects.toMatchObject(
      refused(/"azp" is not this client/),
    );
  });

  it('refuses a token that expired beyond the clock tolerance', async () => {
    await expect(verify(await idToken({ exp: now() - 31 }))).rejects.toMatchObject(
      refused(/expired/),
    );
    await expect(verify(await idToken({ exp: now() - 20 }))).resolves.toBeDefined();
  });

  it('refuses a token without exp, sub or iat', async () => {
    await expect(verify(await idToken({}, ['exp']))).rejects.toMatchObject(refused(/"exp"/));
    await expect(verify(await idToken({}, ['sub']))).rejects.toMatchObject(refused(/"sub"/));
    await expect(verify(await idToken({}, ['iat']))).rejects.toMatchObject(refused(/"iat"/));
  });

  it('refuses an access token that is not the one the id_token was issued with (at_hash)', async () => {
    await expect(verify(await idToken(), 'another-token')).rejects.toMatchObject(
      refused(/"at_hash" does not match/),
    );
  });

  it('refuses a value that is not a JWT', async () => {
    await expect(verify('not.a.jwt')).rejects.toMatchObject(refused(/cannot be read/));
  });
});

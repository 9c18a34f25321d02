import { type RunningEmulator, startEmulator } from 'neverlose-emulator';
import { createNeverloseClient, LEGACY_ENDPOINTS } from 'neverlose-oidc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInAtEmulator } from './support/sign-in.js';

const REDIRECT = 'http://127.0.0.1:3000/callback';
let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator?.stop();
});

describe('neverlose-oidc logs in through neverlose-emulator', () => {
  it('completes a discovery login: id_token checked, profile from userinfo', async () => {
    const client = await createNeverloseClient({
      clientId: 'emulator-client',
      clientSecret: 'emulator-secret',
      redirectUri: REDIRECT,
      issuer: emulator.url,
      dangerouslyAllowInsecureHttp: true,
    });
    const { url, transaction, binding } = await client.startAuthorization();
    const callback = await signInAtEmulator(url.toString(), 'alice', 'allow');
    const result = await client.completeAuthorization(callback, transaction, binding);
    expect(result.claims).toMatchObject({ iss: emulator.url, aud: 'emulator-client', sub: '1' });
    expect(result.profile).toMatchObject({ email: 'alice@example.test' });
    expect(JSON.stringify(result.profile)).toContain('alice');
    expect(result.tokens.idToken).toBeTypeOf('string');
  });

  it('reports a denied consent as an error', async () => {
    const client = await createNeverloseClient({
      clientId: 'emulator-client',
      clientSecret: 'emulator-secret',
      redirectUri: REDIRECT,
      issuer: emulator.url,
      dangerouslyAllowInsecureHttp: true,
    });
    const { url, transaction, binding } = await client.startAuthorization();
    const callback = await signInAtEmulator(url.toString(), 'bob', 'deny');
    await expect(
      client.completeAuthorization(callback, transaction, binding),
    ).rejects.toMatchObject({
      code: expect.any(String),
    });
  });

  it('logs in through the earlier fixed /oauth/* paths in static-endpoint mode', async () => {
    // The provider's earlier fixed paths, on the emulator's origin.
    const onEmulator = (endpoint: string) => new URL(new URL(endpoint).pathname, emulator.url).href;
    const endpoints = {
      authorization: onEmulator(LEGACY_ENDPOINTS.authorization),
      token: onEmulator(LEGACY_ENDPOINTS.token),
      userinfo: onEmulator(LEGACY_ENDPOINTS.userinfo),
    };
    const client = await createNeverloseClient({
      clientId: 'emulator-client',
      clientSecret: 'emulator-secret',
      redirectUri: REDIRECT,
      issuer: emulator.url,
      endpoints,
      dangerouslyAllowInsecureHttp: true,
    });
    const { url, transaction, binding } = await client.startAuthorization();
    expect(new URL(url.toString()).pathname).toBe('/oauth/authorize');
    const callback = await signInAtEmulator(url.toString(), 'charlie', 'allow');
    const result = await client.completeAuthorization(callback, transaction, binding);
    expect(result.claims).toBeUndefined();
    expect(result.profile).toMatchObject({ email: 'charlie@example.test' });
  });
});

import type { Server } from 'node:http';
import { freePort } from '@neverlose-toolkit/test-support/ports';
import { locationOf, UserAgent } from '@neverlose-toolkit/test-support/user-agent';
import { type RunningEmulator, startEmulator } from 'neverlose-emulator';
import type { NeverloseClient } from 'neverlose-oidc';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signInAtEmulator } from '../support/sign-in.js';

// The oidc and passport README snippets that point at the local emulator (their issuer comes from
// NEVERLOSE_ISSUER, as a developer sets it) run here, against neverlose-emulator with
// its default seed. The emulator listens on a free port rather than 4010, given to the snippets
// through NEVERLOSE_ISSUER as a developer would.
let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator();
  vi.stubEnv('NEVERLOSE_ISSUER', emulator.url);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await emulator?.stop();
});

describe('README snippets that use neverlose-emulator', () => {
  it('neverlose-oidc: snippets/local-emulator.ts logs in as alice', async () => {
    const { client } = (await import('../../packages/oidc/snippets/local-emulator.js')) as {
      client: NeverloseClient;
    };
    const { url, transaction, binding } = await client.startAuthorization();
    expect(url.searchParams.get('redirect_uri')).toBe('http://127.0.0.1:3000/callback');
    const callback = await signInAtEmulator(url.href, 'alice');
    const { profile } = await client.completeAuthorization(callback, transaction, binding);
    expect(profile).toMatchObject({ id: '1', username: 'alice', email: 'alice@example.test' });
  });

  it('passport-neverlose: snippets/local-emulator.ts logs in as bob, on the port PORT names', async () => {
    // A port the seed does not register (3000 may be taken here): registered as the README says.
    const port = await freePort();
    const app = `http://127.0.0.1:${port}`;
    const registered = await fetch(
      `${emulator.url}/admin/api/oauth-clients/emulator-client/redirect-uris`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ uri: `${app}/auth/neverlose/callback` }),
      },
    );
    expect(registered.status).toBe(200);
    vi.stubEnv('PORT', String(port));
    vi.stubEnv('SESSION_SECRET', 'a session secret for this test only');
    const { server } = (await import('../../packages/passport/snippets/local-emulator.js')) as {
      server: Server;
    };
    try {
      if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
      const browser = new UserAgent();
      expect(await (await browser.get(`${app}/`)).text()).toBe('Log in at /auth/neverlose');
      const authorization = new URL(await locationOf(await browser.get(`${app}/auth/neverlose`)));
      expect(authorization.searchParams.get('redirect_uri')).toBe(`${app}/auth/neverlose/callback`);
      const done = await browser.get(await signInAtEmulator(authorization.href, 'bob'));
      expect(await locationOf(done)).toBe('/');
      expect(await (await browser.get(`${app}/`)).text()).toBe('Signed in as bob');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

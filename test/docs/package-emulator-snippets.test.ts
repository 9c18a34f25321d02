import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RunningEmulator, startEmulator } from 'neverlose-emulator';
import type { NeverloseClient } from 'neverlose-oidc';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { locationOf, UserAgent } from '../providers/user-agent.js';
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

  it('passport-neverlose: snippets/local-emulator.ts logs in as bob', async () => {
    vi.stubEnv('PORT', '0');
    vi.stubEnv('SESSION_SECRET', 'a session secret for this test only');
    const { server } = (await import('../../packages/passport/snippets/local-emulator.js')) as {
      server: Server;
    };
    try {
      if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
      const app = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const browser = new UserAgent();
      const authorization = new URL(await locationOf(await browser.get(`${app}/auth/neverlose`)));
      expect(authorization.searchParams.get('redirect_uri')).toBe(
        'http://127.0.0.1:3000/auth/neverlose/callback',
      );
      // The browser comes back to 127.0.0.1:3000, where this test's app is not: same path, its port.
      const callback = new URL(await signInAtEmulator(authorization.href, 'bob'));
      const done = await browser.get(`${app}${callback.pathname}${callback.search}`);
      expect(await locationOf(done)).toBe('/');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

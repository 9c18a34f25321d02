import { randomBytes } from 'node:crypto';
import { startExample } from 'neverlose-example-better-auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFrameworkLogin } from './framework-logins.js';
import { emulatorOptions, startWiredPair } from './login-examples.js';

const CALLBACK_PATH = '/api/auth/callback/neverlose';

describeFrameworkLogin({
  name: 'better-auth',
  callbackPath: CALLBACK_PATH,
  logoutPath: '/logout',
  failure: 'redirect',
  start: (issuer, sessionSecret) => startExample(emulatorOptions(issuer, sessionSecret)),
});

describe('better-auth example: where a sign-in may end', () => {
  let pair: Awaited<ReturnType<typeof startWiredPair>>;
  beforeAll(async () => {
    pair = await startWiredPair(
      (issuer) => startExample(emulatorOptions(issuer, randomBytes(32).toString('base64url'))),
      CALLBACK_PATH,
    );
  });
  afterAll(() => pair?.stop());

  // better-auth skips this check when NODE_ENV is `test` (as under vitest) unless told not to.
  it.each(['https://evil.example/account', '//evil.example/account'])(
    'refuses a sign-in asked to end on %s with 403, as in production',
    async (callbackURL) => {
      const start = await fetch(`${pair.app.url}/api/auth/sign-in/social`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: pair.app.url },
        body: JSON.stringify({ provider: 'neverlose', callbackURL }),
        redirect: 'manual',
      });
      expect(start.status).toBe(403);
      await start.body?.cancel();
    },
  );
});

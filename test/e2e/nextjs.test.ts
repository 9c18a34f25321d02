import { buildExample, startExample } from 'neverlose-example-nextjs';
import { beforeAll } from 'vitest';
import { describeFrameworkLogin } from './framework-logins.js';

// One production build per run: `next build` takes about 20 s of two cores.
beforeAll(async () => {
  await buildExample();
}, 300_000);

describeFrameworkLogin({
  name: 'nextjs',
  callbackPath: '/api/auth/callback/neverlose',
  logoutPath: '/api/auth/signout',
  failure: 'redirect',
  start: (issuer, sessionSecret) =>
    startExample({
      issuer,
      clientId: 'emulator-client',
      clientSecret: 'emulator-secret',
      sessionSecret,
      dangerouslyAllowInsecureHttp: true,
      port: 0,
    }),
});

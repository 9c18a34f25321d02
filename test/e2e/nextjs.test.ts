import { buildExample, startExample } from 'neverlose-example-nextjs';
import { beforeAll } from 'vitest';
import { describeFrameworkLogin } from './framework-logins.js';
import { emulatorOptions } from './login-examples.js';

// One production build per run: `next build` takes about 20 s of two cores.
beforeAll(async () => {
  await buildExample();
}, 300_000);

describeFrameworkLogin({
  name: 'nextjs',
  callbackPath: '/api/auth/callback/neverlose',
  logoutPath: '/api/auth/signout',
  failure: 'redirect',
  start: (issuer, sessionSecret) => startExample(emulatorOptions(issuer, sessionSecret)),
});

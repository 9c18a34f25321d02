import { startExample } from 'neverlose-example-hono';
import { describeFrameworkLogin } from './framework-logins.js';

describeFrameworkLogin({
  name: 'hono',
  callbackPath: '/auth/neverlose/callback',
  logoutPath: '/auth/neverlose/logout',
  failure: 'direct',
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

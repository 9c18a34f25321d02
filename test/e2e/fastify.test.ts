import { startExample } from 'neverlose-example-fastify';
import { describeFrameworkLogin } from './framework-logins.js';

describeFrameworkLogin({
  name: 'fastify',
  callbackPath: '/auth/neverlose/callback',
  logoutPath: '/logout',
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

import { startExample } from 'neverlose-example-better-auth';
import { describeFrameworkLogin } from './framework-logins.js';

describeFrameworkLogin({
  name: 'better-auth',
  callbackPath: '/api/auth/callback/neverlose',
  logoutPath: '/logout',
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

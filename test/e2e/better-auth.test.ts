import { startExample } from 'neverlose-example-better-auth';
import { describeFrameworkLogin } from './framework-logins.js';
import { emulatorOptions } from './login-examples.js';

describeFrameworkLogin({
  name: 'better-auth',
  callbackPath: '/api/auth/callback/neverlose',
  logoutPath: '/logout',
  failure: 'redirect',
  start: (issuer, sessionSecret) => startExample(emulatorOptions(issuer, sessionSecret)),
});

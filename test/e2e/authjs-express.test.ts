import { startExample } from 'neverlose-example-authjs-express';
import { describeFrameworkLogin } from './framework-logins.js';
import { emulatorOptions } from './login-examples.js';

describeFrameworkLogin({
  name: 'authjs-express',
  callbackPath: '/auth/callback/neverlose',
  logoutPath: '/auth/signout',
  failure: 'redirect',
  start: (issuer, sessionSecret) => startExample(emulatorOptions(issuer, sessionSecret)),
});

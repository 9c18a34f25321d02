import { startExample } from 'neverlose-example-hono';
import { describeFrameworkLogin } from './framework-logins.js';
import { emulatorOptions } from './login-examples.js';

describeFrameworkLogin({
  name: 'hono',
  callbackPath: '/auth/neverlose/callback',
  logoutPath: '/auth/neverlose/logout',
  failure: 'direct',
  start: (issuer, sessionSecret) => startExample(emulatorOptions(issuer, sessionSecret)),
});

import { type SessionPlugin, startExample } from 'neverlose-example-fastify';
import { describeFrameworkLogin } from './framework-logins.js';
import { emulatorOptions } from './login-examples.js';

// The same journey with each session plugin the example offers: the default keeps the session
// on the server, the other in an encrypted cookie (values through get/set, no save()).
const PLUGINS: readonly { readonly name: string; readonly plugin: SessionPlugin }[] = [
  { name: 'fastify', plugin: '@fastify/session' },
  { name: 'fastify-secure-session', plugin: '@fastify/secure-session' },
];

for (const { name, plugin } of PLUGINS) {
  describeFrameworkLogin({
    name,
    callbackPath: '/auth/neverlose/callback',
    logoutPath: '/logout',
    failure: 'direct',
    start: (issuer, sessionSecret) =>
      startExample({ ...emulatorOptions(issuer, sessionSecret), sessionPlugin: plugin }),
  });
}

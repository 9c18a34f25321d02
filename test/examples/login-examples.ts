import { startExample as startExpressPassport } from 'neverlose-example-express-passport';
import { startExample as startFastify } from 'neverlose-example-fastify';
import { startExample as startWebStandard } from 'neverlose-example-web-standard';

/** What the focused tests need of a login example: how to start it, and its routes. */
export interface LoginExample {
  readonly name: string;
  readonly loginPath: string;
  readonly callbackPath: string;
  /** Whether the client is created at the first login (discovery then), not at start. */
  readonly lazyClient: boolean;
  start(options: {
    issuer: string;
    sessionSecret: string;
    publicUrl?: string;
  }): Promise<{ url: string; close(): Promise<void> }>;
}

const common = {
  clientId: 'emulator-client',
  clientSecret: 'emulator-secret',
  dangerouslyAllowInsecureHttp: true,
  port: 0,
  onError: () => {},
} as const;

/** The login examples on passport-neverlose and on neverlose-oidc alone. */
export const LOGIN_EXAMPLES: readonly LoginExample[] = [
  {
    name: 'express-passport',
    loginPath: '/auth/neverlose',
    callbackPath: '/auth/neverlose/callback',
    lazyClient: true,
    start: (options) => startExpressPassport({ ...common, ...options }),
  },
  {
    name: 'fastify (@fastify/session)',
    loginPath: '/auth/neverlose',
    callbackPath: '/auth/neverlose/callback',
    lazyClient: true,
    start: (options) => startFastify({ ...common, ...options, sessionPlugin: '@fastify/session' }),
  },
  {
    name: 'fastify (@fastify/secure-session)',
    loginPath: '/auth/neverlose',
    callbackPath: '/auth/neverlose/callback',
    lazyClient: true,
    start: (options) =>
      startFastify({ ...common, ...options, sessionPlugin: '@fastify/secure-session' }),
  },
  {
    name: 'web-standard',
    loginPath: '/login',
    callbackPath: '/callback',
    lazyClient: false,
    start: (options) => startWebStandard({ ...common, ...options }),
  },
];

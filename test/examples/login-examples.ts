import { startExample as startExpressPassport } from 'neverlose-example-express-passport';
import { startExample as startFastify } from 'neverlose-example-fastify';
import { startExample as startWebStandard } from 'neverlose-example-web-standard';
import { MemoryTransactionStore } from 'neverlose-oidc';

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

/** The options every example takes to log in at the emulator's default client, on a free port. */
export const EMULATOR_CLIENT = {
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
    start: (options) => startExpressPassport({ ...EMULATOR_CLIENT, ...options }),
  },
  {
    // passport-neverlose's `store` option: the binding in a login cookie.
    name: 'express-passport (store: memory)',
    loginPath: '/auth/neverlose',
    callbackPath: '/auth/neverlose/callback',
    lazyClient: true,
    start: (options) =>
      startExpressPassport({ ...EMULATOR_CLIENT, ...options, loginStore: 'memory' }),
  },
  {
    name: 'fastify (@fastify/session)',
    loginPath: '/auth/neverlose',
    callbackPath: '/auth/neverlose/callback',
    lazyClient: true,
    start: (options) =>
      startFastify({ ...EMULATOR_CLIENT, ...options, sessionPlugin: '@fastify/session' }),
  },
  {
    name: 'fastify (@fastify/secure-session)',
    loginPath: '/auth/neverlose',
    callbackPath: '/auth/neverlose/callback',
    lazyClient: true,
    start: (options) =>
      startFastify({ ...EMULATOR_CLIENT, ...options, sessionPlugin: '@fastify/secure-session' }),
  },
  {
    name: 'web-standard',
    loginPath: '/login',
    callbackPath: '/callback',
    lazyClient: false,
    start: (options) => startWebStandard({ ...EMULATOR_CLIENT, ...options }),
  },
  {
    // neverlose-oidc's README quick start: a store, the binding in a login cookie.
    name: 'web-standard (store: memory)',
    loginPath: '/login',
    callbackPath: '/callback',
    lazyClient: false,
    start: (options) =>
      startWebStandard({
        ...EMULATOR_CLIENT,
        ...options,
        transactionStore: new MemoryTransactionStore(),
      }),
  },
];

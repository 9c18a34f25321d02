import { signRequest } from 'neverlose-market/signing';
import type { HostileRoute } from '../inputs.js';
import type { ProcessSpec } from '../process.js';

/**
 * A handler of a package, served alone by a script of `serve/` (one import, one `serve()` call).
 * Add a target: write `serve/<name>.mjs`, then a spec here and its routes.
 */
export function servedProcess(
  name: string,
  script: string,
  env?: Readonly<Record<string, string>>,
): ProcessSpec {
  return {
    name,
    args: [`${import.meta.dirname}/../serve/${script}`, '{port}'],
    ...(env === undefined ? {} : { env }),
  };
}

const WEBHOOK_KEY = 'hostile-webhook-key';

/** A transfer webhook signed the provider's way (the signature does not cover `kind`). */
function signedWebhook(): Record<string, string> {
  const fields = { amount: 1, username: 'alice', unique_id: 1 };
  const { signature } = signRequest(fields, WEBHOOK_KEY);
  return {
    kind: '"transfer"',
    amount: '1',
    username: '"alice"',
    unique_id: '1',
    signature: JSON.stringify(signature),
  };
}

/** `createNodeWebhookHandler` answers every path and method: one route covers it. */
export const marketWebhookRoutes: readonly HostileRoute[] = [
  {
    method: 'POST',
    path: '/',
    headers: { 'Content-Type': 'application/json' },
    json: signedWebhook(),
  },
];

/** The Passport strategy's two routes (`serve/passport-strategy.mjs`). */
export function passportStrategyRoutes(issuer: string): readonly HostileRoute[] {
  return [
    { method: 'GET', path: '/auth/neverlose', query: { returnTo: '/profile' } },
    {
      method: 'GET',
      path: '/auth/neverlose/callback',
      query: { code: 'a-code', state: 'a-state', iss: issuer },
      cookies: { 'connect.sid': 's%3Aabc.def' },
    },
  ];
}

/** The Hono middleware's routes and a protected page (`serve/hono-middleware.mjs`). */
export function honoMiddlewareRoutes(issuer: string): readonly HostileRoute[] {
  return [
    { method: 'GET', path: '/auth/neverlose', query: { returnTo: '/account' } },
    {
      method: 'GET',
      path: '/auth/neverlose/callback',
      query: { code: 'a-code', state: 'a-state', iss: issuer },
      cookies: { 'nl_login.a-state': 'a.b.c.d.e' },
    },
    {
      method: 'POST',
      path: '/auth/neverlose/logout',
      form: { csrf: 'a-token' },
      cookies: { nl_session: 'a.b.c.d.e' },
    },
    { method: 'GET', path: '/account', cookies: { nl_session: 'a.b.c.d.e' } },
  ];
}

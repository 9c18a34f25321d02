import { signRequest } from 'neverlose-market';
import { repoRoot } from '../../support/packed.js';
import { type HostileCase, type HostileRoute, JSON_VALUES, requestOf } from '../inputs.js';
import type { ProcessSpec } from '../process.js';

export const RESELLER = { userId: 10, key: 'emulator-reseller-key' } as const;
const REDIRECT_URI = 'http://127.0.0.1:3000/callback';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

/** The emulator as its README starts it: the CLI, the demo seed, loopback. */
export function emulatorProcess(extraArgs: readonly string[] = []): ProcessSpec {
  return {
    name: 'neverlose-emulator',
    args: [
      `${repoRoot}/packages/emulator/bin/neverlose-emulator.js`,
      '--port',
      '{port}',
      ...extraArgs,
    ],
  };
}

/** Calls the admin API as a script does. */
export async function adminApi(url: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${url}/admin/api${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok)
    throw new Error(`admin ${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json() as Promise<unknown>;
}

/** A pending sign-in of the emulator's default client: the `request` of the sign-in form. */
async function pendingRequest(url: string): Promise<string> {
  const query = new URLSearchParams({
    client_id: 'emulator-client',
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope: 'openid profile',
    state: 'state',
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
  });
  const html = await (await fetch(`${url}/oauth2/authorize?${query}`)).text();
  const request = /name="request" value="([^"]+)"/.exec(html)?.[1];
  if (request === undefined) throw new Error(`no pending sign-in:\n${html}`);
  return request;
}

const json = (value: unknown) => JSON.stringify(value);

/**
 * A market call signed for every hostile value of each field the signature can cover, so that
 * hostile values reach the method itself and not only the signature check.
 */
function signedVariants(route: HostileRoute, payload: Record<string, unknown>): HostileCase[] {
  const cases: HostileCase[] = [];
  for (const field of Object.keys(payload)) {
    for (const value of JSON_VALUES) {
      let body: string;
      try {
        body = signRequest({ ...payload, [field]: JSON.parse(value) }, RESELLER.key).body;
      } catch {
        continue;
      }
      cases.push({
        name: `signed ${field}=${value.slice(0, 30)}`,
        request: requestOf(route, { body: Buffer.from(body, 'utf8') }),
      });
    }
  }
  return cases;
}

/**
 * One request sent again in other spellings, each validly signed (the signature covers values,
 * not bytes): reordered keys, `\u` escapes, `1.0` for `1`, the id as a string. Each must be
 * refused as already done: `Invalid id.`.
 */
export function reencodedMarketCalls(route: HostileRoute, id: string): HostileCase[] {
  const { signature } = signRequest(
    { user_id: RESELLER.userId, id, username: 'bob', amount: 1 },
    RESELLER.key,
  );
  const spellings = [
    `{"signature":"${signature}","amount":1,"username":"bob","id":"${id}","user_id":10}`,
    `{"user_id":10,"id":"${id}","username":"\\u0062ob","amount":1,"signature":"${signature}"}`,
    `{"user_id":10,"id":"${id}","username":"bob","amount":1.0,"signature":"${signature}"}`,
    `{"user_id":10.0,"id":"${id}","username":"bob","amount":1,"signature":"${signature}"}`,
    ` {"user_id":10 , "id" : "${id}","username":"bob","amount":1,"signature":"${signature.toUpperCase()}"} `,
  ];
  return spellings.map((body, i) => ({
    name: `re-encoded #${i + 1}`,
    request: requestOf(route, { body: Buffer.from(body, 'utf8') }),
  }));
}

/** The headers every admin or market page request reads (the guard's). */
function guardHeaders(url: string): Record<string, string> {
  return { Host: new URL(url).host, Origin: url, 'Sec-Fetch-Site': 'same-origin' };
}

/** Every route of the emulator, with the inputs it reads. Money-moving routes are separate. */
export async function emulatorRoutes(url: string) {
  const authorize = {
    client_id: 'emulator-client',
    redirect_uri: encodeURIComponent(REDIRECT_URI),
    response_type: 'code',
    scope: 'openid%20profile',
    state: 'state',
    nonce: 'nonce',
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
  };
  const token = {
    grant_type: 'authorization_code',
    code: 'unknown-code',
    redirect_uri: encodeURIComponent(REDIRECT_URI),
    code_verifier: 'v'.repeat(43),
  };
  const basic = `Basic ${Buffer.from('emulator-client:emulator-secret').toString('base64')}`;
  const signedIn = await pendingRequest(url);
  await fetch(`${url}/oauth2/authorize/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ request: signedIn, user_id: '1' }),
  });
  const admin = guardHeaders(url);
  const marketRoute: HostileRoute = {
    method: 'POST',
    path: '/api/market/:method',
    params: { method: 'get-balance' },
    headers: { 'Content-Type': 'application/json' },
    json: { user_id: '10', signature: json('0'.repeat(64)) },
  };
  const balance = signRequest({ user_id: RESELLER.userId }, RESELLER.key).body;

  const reads: HostileRoute[] = [
    { method: 'GET', path: '/' },
    { method: 'GET', path: '/.well-known/openid-configuration' },
    { method: 'GET', path: '/.well-known/jwks.json' },
    { method: 'GET', path: '/oauth2/authorize', query: authorize },
    { method: 'POST', path: '/oauth2/authorize', form: authorize },
    { method: 'GET', path: '/oauth/authorize', query: authorize },
    {
      method: 'POST',
      path: '/oauth2/authorize/sign-in',
      form: { request: await pendingRequest(url), user_id: '2' },
    },
    {
      method: 'POST',
      path: '/oauth2/authorize/consent',
      form: { request: signedIn, decision: 'neither' },
    },
    {
      method: 'POST',
      path: '/oauth2/token',
      form: { ...token, client_id: 'emulator-client', client_secret: 'emulator-secret' },
    },
    { method: 'POST', path: '/oauth/token', form: token, headers: { Authorization: basic } },
    { method: 'GET', path: '/oauth2/userinfo', headers: { Authorization: 'Bearer unknown' } },
    { method: 'POST', path: '/oauth/oidc_userinfo', headers: { Authorization: 'Bearer unknown' } },
    { method: 'GET', path: '/users/:login', params: { login: 'alice' } },
    { method: 'GET', path: '/avatars/:file', params: { file: '1.png' } },
    {
      method: 'GET',
      path: '/checkout',
      query: { login: 'alice', product: 'csgo', cnt: '1', nle: '5' },
    },
    {
      method: 'POST',
      path: '/checkout',
      form: { login: 'alice', product: 'csgo', cnt: '1', nle: '5', integration_id: '100' },
    },
    { method: 'GET', path: '/market', query: { as: 'alice', message: 'hello' }, headers: admin },
    {
      ...marketRoute,
      extra: [
        {
          name: 'signed get-balance',
          request: requestOf(marketRoute, { body: Buffer.from(balance) }),
        },
      ],
    },
    { method: 'GET', path: '/admin', headers: admin },
    { method: 'GET', path: '/admin/api/world', headers: admin },
    {
      method: 'GET',
      path: '/admin/api/calls',
      query: { area: 'market', method: 'get-balance' },
      headers: admin,
    },
    { method: 'GET', path: '/admin/api/users/:login', params: { login: 'alice' }, headers: admin },
  ];

  const transferRoute: HostileRoute = {
    method: 'POST',
    path: '/api/market/:method',
    params: { method: 'transfer-money' },
    headers: { 'Content-Type': 'application/json' },
    json: {
      user_id: '10',
      id: json('hostile-1'),
      username: json('bob'),
      amount: '1',
      signature: json('0'.repeat(64)),
    },
  };
  const transfer = signRequest(
    { user_id: RESELLER.userId, id: 'hostile-1', username: 'bob', amount: 1 },
    RESELLER.key,
  ).body;
  /** Routes that move NLE: each applied operation must show once in the ledger. */
  const writes: HostileRoute[] = [
    {
      ...transferRoute,
      extra: [
        {
          name: 'signed transfer',
          request: requestOf(transferRoute, { body: Buffer.from(transfer) }),
        },
        ...reencodedMarketCalls(transferRoute, 'hostile-1'),
        ...signedVariants(transferRoute, {
          user_id: RESELLER.userId,
          id: 'hostile-2',
          username: 'bob',
          amount: 0.01,
        }),
      ],
    },
    {
      method: 'POST',
      path: '/market/transfer',
      form: { from: 'alice', to: 'bob', amount: '0.01' },
      headers: admin,
    },
    {
      method: 'POST',
      path: '/market/buy',
      form: { buyer: 'charlie', code: 'E3yugw' },
      headers: admin,
    },
    {
      method: 'POST',
      path: '/admin/api/transfers',
      json: { from: json('alice'), to: json('bob'), amount: '0.01' },
      headers: admin,
    },
    {
      method: 'POST',
      path: '/admin/api/purchases',
      json: { buyer: json('bob'), item: json('E3yugw') },
      headers: admin,
    },
    {
      method: 'PATCH',
      path: '/admin/api/users/:login',
      params: { login: 'charlie' },
      json: { balance: '5', email: json('c@example.test') },
      headers: admin,
    },
    {
      method: 'POST',
      path: '/admin/api/checkout',
      json: { login: json('alice'), integrationId: '100', product: json('csgo'), cnt: '1' },
      headers: admin,
    },
  ];

  /** Routes that change or wipe the world: attacked last. */
  const resets: HostileRoute[] = [
    {
      method: 'POST',
      path: '/admin/api/faults',
      json: { kind: json('delay'), path: json('/nowhere'), count: '1', delayMs: '1' },
      headers: admin,
    },
    { method: 'DELETE', path: '/admin/api/faults/:id', params: { id: '1' }, headers: admin },
    { method: 'DELETE', path: '/admin/api/faults', headers: admin },
    {
      method: 'POST',
      path: '/admin/api/seed',
      json: { users: json([{ id: 90, login: 'hostile' }]) },
      headers: admin,
    },
    {
      method: 'PATCH',
      path: '/admin/api/market-accounts/:userId',
      params: { userId: '11' },
      json: { webhooks: json({ purchase: 'http://127.0.0.1:9/hook', transfer: null }) },
      headers: admin,
    },
    {
      method: 'POST',
      path: '/admin/api/webhooks/:id/replay',
      params: { id: '1' },
      json: { url: json('http://127.0.0.1:9/hook') },
      headers: admin,
    },
    {
      method: 'POST',
      path: '/admin/api/oauth-clients/:clientId/redirect-uris',
      params: { clientId: 'emulator-client' },
      json: { uri: json('http://127.0.0.1:4000/cb') },
      headers: admin,
    },
    { method: 'POST', path: '/admin/api/signing-keys/rotate', json: {}, headers: admin },
    { method: 'POST', path: '/admin/api/reset', json: {}, headers: admin },
  ];
  return { reads, writes, resets };
}

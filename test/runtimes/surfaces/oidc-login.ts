// neverlose-oidc's client flow against the emulator: discovery, startAuthorization, the sign-in
// pages (driven with this runtime's fetch), completeAuthorization with the id_token checked.
import {
  createNeverloseClient,
  isUserError,
  type NeverloseClient,
  type ProviderCache,
} from 'neverlose-oidc';
import { signInAtEmulator } from '../../support/sign-in.js';
import { assert, surface } from '../harness.js';
import { oidcClientFor } from './oidc-client.js';

/** A login as alice at the emulator: start, sign-in pages, callback. */
async function logIn(client: NeverloseClient) {
  const { url, transaction, binding } = await client.startAuthorization();
  const callback = await signInAtEmulator(url.toString(), 'alice', 'allow');
  return client.completeAuthorization(callback, transaction, binding);
}

export default surface('oidc login', (check) => {
  check('logs alice in: discovery, PKCE, code exchange, id_token and userinfo', async (c) => {
    const client = await oidcClientFor(c);
    const { url, transaction, binding } = await client.startAuthorization({ returnTo: '/orders' });
    const callback = await signInAtEmulator(url.toString(), 'alice', 'allow');
    const result = await client.completeAuthorization(callback, transaction, binding);
    assert.fields(
      result.claims,
      { iss: c.emulator.url, aud: c.emulator.clientId, sub: '1' },
      'claims',
    );
    assert.fields(result.profile, { email: 'alice@example.test' }, 'profile');
    assert.equal(result.returnTo, '/orders', 'returnTo');
  });

  check('refuses a callback replayed with another login’s transaction', async (c) => {
    const client = await oidcClientFor(c);
    const first = await client.startAuthorization();
    const second = await client.startAuthorization();
    const callback = await signInAtEmulator(first.url.toString(), 'bob', 'allow');
    const refusal = await client
      .completeAuthorization(callback, second.transaction, second.binding)
      .catch((error: unknown) => error);
    assert.ok(isUserError(refusal), `a user error (got ${String(refusal)})`);
    assert.equal((refusal as { code?: unknown }).code, 'ERR_STATE_MISMATCH', 'code');
  });

  check(
    'refuses a login completed with another browser’s binding, before any request',
    async (c) => {
      const client = await oidcClientFor(c);
      const attacker = await client.startAuthorization();
      const victim = await client.startAuthorization();
      const callback = await signInAtEmulator(attacker.url.toString(), 'charlie', 'allow');
      await assert.refuses(
        () => client.completeAuthorization(callback, attacker.transaction, victim.binding),
        'ERR_TRANSACTION_MISMATCH',
        'another browser’s binding',
      );
      await assert.refuses(
        () => client.completeAuthorization(callback, attacker.transaction, undefined),
        'ERR_TRANSACTION_MISSING',
        'no binding',
      );
      const result = await client.completeAuthorization(
        callback,
        attacker.transaction,
        attacker.binding,
      );
      assert.fields(result.profile, { email: 'charlie@example.test' }, 'the attacker’s own login');
    },
  );

  check(
    'logs in on a cold start from an exported provider cache: no discovery, no JWK Set request',
    async (c) => {
      const warm = await oidcClientFor(c);
      await logIn(warm);
      // Kept by the platform (a Worker's KV) as JSON, and handed to the next cold start.
      const cache = JSON.parse(JSON.stringify(warm.exportProviderCache()));
      const requested: string[] = [];
      /** A client of a cold start with `providerCache`, whose requests go to `requested`. */
      const coldStart = (providerCache: ProviderCache) =>
        createNeverloseClient({
          clientId: c.emulator.clientId,
          clientSecret: c.emulator.clientSecret,
          redirectUri: c.emulator.redirectUri,
          issuer: c.emulator.url,
          dangerouslyAllowInsecureHttp: true,
          providerCache,
          fetch: (input, init) => {
            requested.push(new URL(input instanceof Request ? input.url : String(input)).pathname);
            return fetch(input, init);
          },
        });
      const cold = await coldStart(cache);
      assert.fields((await logIn(cold)).profile, { email: 'alice@example.test' }, 'profile');
      assert.equal(requested.join(' '), '/oauth2/token /oauth2/userinfo', 'the requests made');

      // A key rotation: the cached set lacks the signing key, which is fetched once, at once.
      const rotated = {
        ...cache,
        jwks: { ...cache.jwks, keys: [{ ...cache.jwks.keys[0], kid: 'retired' }] },
      };
      requested.length = 0;
      const after = await coldStart(rotated);
      assert.fields((await logIn(after)).profile, { email: 'alice@example.test' }, 'profile');
      assert.equal(
        requested.join(' '),
        '/oauth2/token /.well-known/jwks.json /oauth2/userinfo',
        'the requests made after a rotation',
      );
    },
  );
});

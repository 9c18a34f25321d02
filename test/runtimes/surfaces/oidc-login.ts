// neverlose-oidc's client flow against the emulator: discovery, startAuthorization, the sign-in
// pages (driven with this runtime's fetch), completeAuthorization with the id_token checked.
import { isUserError } from 'neverlose-oidc';
import { signInAtEmulator } from '../../support/sign-in.js';
import { assert, surface } from '../harness.js';
import { oidcClientFor } from './oidc-client.js';

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
});

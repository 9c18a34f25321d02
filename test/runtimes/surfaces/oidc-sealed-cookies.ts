// neverlose-oidc's sealed cookies: a login whose transaction travels sealed in a cookie value.
import { createSealedCookieCodec, loginCookie } from 'neverlose-oidc';
import { signInAtEmulator } from '../../support/sign-in.js';
import { assert, surface } from '../harness.js';
import { oidcClientFor } from './oidc-client.js';

// 32 random bytes, base64url: what the README tells users to generate.
const SECRET = 'q3Jt0Vw8yZ2mK5nB7xC1dF4gH6jL9pR0sT2uW5yA8bE';
const OTHER_SECRET = 'Zk9wX2c4Vb6nM8qL1tR3yU5iO7pA0sD2fG4hJ6kL8zX';

/** The sealed value with one character of its ciphertext changed. */
function altered(sealed: string): string {
  const segments = sealed.split('.');
  const ciphertext = segments[3] ?? '';
  segments[3] = `${ciphertext.startsWith('A') ? 'B' : 'A'}${ciphertext.slice(1)}`;
  return segments.join('.');
}

export default surface('oidc sealed cookies', (check) => {
  check('completes a login from the transaction sealed in a cookie at its start', async (c) => {
    const codec = createSealedCookieCodec({ secret: SECRET });
    const client = await oidcClientFor(c);
    const started = await client.startAuthorization();
    const { transaction } = started;
    const cookie = loginCookie(transaction.redirectUri, transaction.state);
    const header = cookie.set(await codec.seal(started), client.transactionTtl / 1000);
    assert.ok(/^[\x20-\x7e]+$/.test(header), 'a cookie-safe Set-Cookie header');
    const value = cookie.read(header.split(';')[0]);
    const callback = await signInAtEmulator(started.url.toString(), 'charlie', 'allow');
    const opened = await codec.open(value);
    const result = await client.completeAuthorization(callback, opened.transaction, opened.binding);
    assert.fields(result.profile, { email: 'charlie@example.test' }, 'profile');
  });

  check('refuses an altered value, and one sealed with a secret it does not hold', async (c) => {
    const codec = createSealedCookieCodec({ secret: SECRET });
    const started = await (await oidcClientFor(c)).startAuthorization();
    const sealed = await codec.seal(started);
    const opened = await codec.open(sealed);
    assert.equal(opened.transaction.state, started.transaction.state, 'the opened state');
    assert.equal(opened.binding, started.binding, 'the opened binding');
    await assert.refuses(() => codec.open(altered(sealed)), 'ERR_TRANSACTION_MISSING', 'altered');
    const other = createSealedCookieCodec({ secret: OTHER_SECRET });
    await assert.refuses(() => other.open(sealed), 'ERR_TRANSACTION_MISSING', 'another secret');
  });
});

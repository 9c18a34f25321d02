// neverlose-emulator on this runtime: started, its discovery document and JWKS fetched, a login
// through its sign-in pages (the id_token signed here, checked by neverlose-oidc against that
// JWKS), a signed market call, stopped.
import { startEmulator } from 'neverlose-emulator';
import { MarketClient } from 'neverlose-market/client';
import { createNeverloseClient } from 'neverlose-oidc';
import { signInAtEmulator } from '../../support/sign-in.js';
import { assert, surface } from '../harness.js';

const json = async (url: string) => (await fetch(url)).json() as Promise<Record<string, unknown>>;

export default surface('emulator', (check) => {
  check('serves discovery and its JWKS, and stops listening when stopped', async () => {
    const emulator = await startEmulator();
    try {
      const discovery = await json(`${emulator.url}/.well-known/openid-configuration`);
      assert.fields(
        discovery,
        {
          issuer: emulator.url,
          jwks_uri: `${emulator.url}/.well-known/jwks.json`,
          code_challenge_methods_supported: ['S256'],
        },
        'discovery',
      );
      const { keys } = (await json(`${emulator.url}/.well-known/jwks.json`)) as {
        keys?: { kid?: unknown; kty?: unknown; d?: unknown }[];
      };
      assert.equal(keys?.length, 1, 'keys in the JWKS');
      const [key] = keys ?? [];
      assert.ok(typeof key?.kid === 'string' && key.kty === 'RSA', 'an RSA key with a kid');
      assert.equal(key.d, undefined, 'the private exponent');
    } finally {
      await emulator.stop();
    }
    const after = await fetch(emulator.url).then(
      () => 'answered',
      () => 'refused',
    );
    assert.equal(after, 'refused', 'a request after stop()');
  });

  check('logs alice in with neverlose-oidc and answers a signed market call', async (c) => {
    const emulator = await startEmulator();
    try {
      const client = await createNeverloseClient({
        issuer: emulator.url,
        dangerouslyAllowInsecureHttp: true,
        clientId: c.emulator.clientId,
        clientSecret: c.emulator.clientSecret,
        redirectUri: c.emulator.redirectUri,
      });
      const { url, transaction, binding } = await client.startAuthorization();
      const callback = await signInAtEmulator(url.href, 'alice', 'allow');
      const { claims } = await client.completeAuthorization(callback, transaction, binding);
      assert.fields(claims, { iss: emulator.url, aud: c.emulator.clientId, sub: '1' }, 'claims');
      const market = new MarketClient({
        userId: c.emulator.resellerUserId,
        secret: c.emulator.resellerKey,
        baseUrl: `${emulator.url}/api/market`,
        retries: 0,
      });
      const { balance } = await market.getBalance();
      assert.ok(balance > 0, `a positive balance (got ${balance})`);
    } finally {
      await emulator.stop();
    }
  });
});

// README snippet: runs against neverlose-emulator (test/docs/emulator-snippets.test.ts).
// #region readme
import { createNeverloseClient } from 'neverlose-oidc';

const client = await createNeverloseClient({
  issuer: 'http://127.0.0.1:4010', // the emulator serves discovery, JWKS, token and userinfo
  dangerouslyAllowInsecureHttp: true, // it speaks http: a local provider only
  clientId: 'emulator-client',
  clientSecret: 'emulator-secret',
  redirectUri: 'http://127.0.0.1:3000/callback', // registered in the demo seed
});
// A web app sets `binding` as this browser's login cookie and keeps `transaction` for the callback
// (neverlose-oidc's README): only this browser can complete the login.
const { url, transaction, binding } = await client.startAuthorization();
console.log(`Open ${url} and sign in as alice`);

// The emulator sends the browser to http://127.0.0.1:3000/callback?code=...&state=...
export async function callback(callbackUrl: string) {
  const { profile } = await client.completeAuthorization(callbackUrl, transaction, binding);
  return profile; // { id: '1', username: 'alice', email: 'alice@example.test', ... }
}
// #endregion

export { url };

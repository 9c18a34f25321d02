import { createNeverloseClient } from 'neverlose-oidc';

// `npx neverlose-emulator` serves a local Neverlose at http://127.0.0.1:4010. Its seed registers
// the client below for http://127.0.0.1:3000/callback and http://127.0.0.1:3000/auth/callback;
// its sign-in page offers the users alice, bob and charlie. Open your app at 127.0.0.1 too: a
// browser keeps the login cookie per host, and localhost is another one.
export const client = await createNeverloseClient({
  issuer: process.env.NEVERLOSE_ISSUER ?? 'http://127.0.0.1:4010',
  clientId: 'emulator-client',
  clientSecret: 'emulator-secret',
  redirectUri: 'http://127.0.0.1:3000/callback',
  dangerouslyAllowInsecureHttp: true, // the emulator speaks plain HTTP, on loopback only
});

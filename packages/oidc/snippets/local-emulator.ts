import { createNeverloseClient } from 'neverlose-oidc';

// #region readme
// `npx neverlose-emulator` serves a local Neverlose at http://127.0.0.1:4010. Its seed registers
// the client below for http://localhost:3000/callback and http://localhost:3000/auth/callback
// (and the same on 127.0.0.1); its sign-in page offers the users alice, bob and charlie.
export const client = await createNeverloseClient({
  issuer: process.env.NEVERLOSE_ISSUER ?? 'http://127.0.0.1:4010',
  clientId: 'emulator-client',
  clientSecret: 'emulator-secret',
  redirectUri: 'http://localhost:3000/callback',
  dangerouslyAllowInsecureHttp: true, // the emulator speaks plain HTTP, on loopback only
});
// #endregion

import { createNeverloseClient, LEGACY_ENDPOINTS } from 'neverlose-oidc';

// #region readme
// A client registered from the April 2025 docs: fixed endpoints, no discovery, no id_token.
const client = await createNeverloseClient({
  clientId: process.env.NEVERLOSE_CLIENT_ID!,
  clientSecret: process.env.NEVERLOSE_CLIENT_SECRET,
  redirectUri: 'https://app.example/auth/neverlose/callback',
  endpoints: LEGACY_ENDPOINTS, // or { authorization, token, userinfo, jwks? }
});
console.log(client.mode); // 'static'

// completeAuthorization then gives `claims: undefined` and no `tokens.idToken`.
// #endregion

export { client };

/** The issuer of Login with Neverlose; discovery reads `<issuer>/.well-known/openid-configuration`. */
export const NEVERLOSE_ISSUER = 'https://neverlose.cc';

/** The scopes requested when the `scopes` option is left out. */
export const DEFAULT_SCOPES: readonly string[] = Object.freeze(['openid', 'profile', 'email']);

/** How long a transaction stays valid when `transactionTtl` is left out: 10 minutes, in ms. */
export const DEFAULT_TRANSACTION_TTL = 10 * 60 * 1000;

/** The request timeout when `timeout` is left out, in ms. */
export const DEFAULT_TIMEOUT = 10_000;

/**
 * The fixed endpoints of the provider's earlier documentation (April 2025), for deployments
 * that use static-endpoint mode. That provider issues no id_token.
 *
 * @example
 * ```ts
 * await createNeverloseClient({ clientId, clientSecret, redirectUri, endpoints: LEGACY_ENDPOINTS });
 * ```
 */
export const LEGACY_ENDPOINTS = Object.freeze({
  authorization: 'https://auth2.neverlose.cc/oauth/authorize',
  token: 'https://auth2.neverlose.cc/oauth/token',
  userinfo: 'https://auth2.neverlose.cc/oauth/oidc_userinfo',
});

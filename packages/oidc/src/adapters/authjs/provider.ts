import type { OAuth2Config, OIDCConfig } from '@auth/core/providers';
import type { TokenSet } from '@auth/core/types';
import { NeverloseOidcError } from '../../errors.js';
import { type NeverloseClaims, toProfile } from '../../profile.js';
import {
  type NeverloseProviderOptions,
  resolveProviderOptions,
} from '../shared/provider-options.js';
import { authUserOf, type NeverloseAuthUser } from '../shared/session-user.js';
import { createTokenChecks } from '../shared/token-checks.js';

/**
 * The Neverlose provider for Auth.js: `@auth/core` and what runs on it (next-auth v5,
 * `@auth/express`, `@auth/sveltekit`...). For next-auth v4 use `neverlose-oidc/next-auth`.
 *
 * Auth.js (oauth4webapi) checks S256 PKCE, `state` and `nonce`, the callback's `iss` (RFC 9207,
 * required when discovery announces it), the id_token's `iss`, `aud`, `exp`, `iat` and `nonce`,
 * and that the userinfo `sub` is the id_token's. It does not check the id_token's signature (it
 * came over TLS from the token endpoint) nor its `at_hash`: `profile()` does, with the core's
 * checks (the JWK Set of the issuer's discovery document, with the core's key-rotation rule), before
 * any user is created; a token that fails refuses the login. The profile comes from userinfo (the Neverlose id_token carries no profile claims),
 * mapped by the core's `toProfile`.
 *
 * With `endpoints` (static mode) nothing is discovered; without `endpoints.jwks` no id_token is
 * expected and no nonce sent, as in the core.
 *
 * @throws {NeverloseOidcError} `ERR_CONFIGURATION` naming a bad option.
 * @example
 * ```ts
 * export const { handlers, auth, signIn, signOut } = NextAuth({
 *   providers: [Neverlose({ clientId: process.env.AUTH_NEVERLOSE_ID!, clientSecret: process.env.AUTH_NEVERLOSE_SECRET! })],
 * });
 * ```
 */
export function Neverlose(
  options: NeverloseProviderOptions,
): OIDCConfig<NeverloseClaims> | OAuth2Config<NeverloseClaims> {
  const { clientId, clientSecret, issuer, scope, endpoints, core } =
    resolveProviderOptions(options);
  const common = {
    id: 'neverlose',
    name: 'Neverlose',
    issuer,
    clientId,
    clientSecret,
    client: { token_endpoint_auth_method: 'client_secret_basic' },
    style: { brandColor: '#0f1115', text: '#ffffff' },
  } as const;
  const staticEndpoints =
    endpoints === undefined
      ? { authorization: { params: { scope } } }
      : {
          authorization: { url: endpoints.authorization, params: { scope } },
          token: endpoints.token,
          userinfo: endpoints.userinfo,
        };

  if (endpoints !== undefined && endpoints.jwks === undefined) {
    // The April 2025 provider issues no id_token: plain OAuth, userinfo for the profile.
    return {
      ...common,
      ...staticEndpoints,
      type: 'oauth',
      checks: ['pkce', 'state'],
      profile: (claims) => authUserOf(toProfile(claims)) as NeverloseAuthUser & { id: string },
    };
  }

  const checks = createTokenChecks(core);
  return {
    ...common,
    ...staticEndpoints,
    type: 'oidc',
    checks: ['pkce', 'state', 'nonce'],
    // The profile is read from userinfo, whose `sub` Auth.js checks against the id_token's.
    idToken: false,
    async profile(claims: NeverloseClaims, tokens: TokenSet) {
      if (typeof tokens.access_token !== 'string' || tokens.access_token === '') {
        throw new NeverloseOidcError('ERR_TOKEN_EXCHANGE_FAILED', 'No access token came.');
      }
      await checks.verifyIdToken(tokens.id_token, tokens.access_token);
      return authUserOf(toProfile(claims)) as NeverloseAuthUser & { id: string };
    },
  };
}

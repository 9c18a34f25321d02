import { customFetch } from '@auth/core';
import type { OAuth2Config, OIDCConfig } from '@auth/core/providers';
import type { TokenSet } from '@auth/core/types';
import { DEFAULT_SCOPES, NEVERLOSE_ISSUER } from '../../constants.js';
import { NeverloseOidcError } from '../../errors.js';
import { type NeverloseClaims, toProfile } from '../../profile.js';
import { fetchFromProvider } from '../shared/provider-fetch.js';
import {
  type NeverloseProviderOptions,
  type ResolvedProviderOptions,
  resolveProviderOptions,
} from '../shared/provider-options.js';
import { authUserOf, type NeverloseAuthUser } from '../shared/session-user.js';
import { createTokenChecks, type TokenChecks } from '../shared/token-checks.js';

/**
 * Options of {@link Neverlose} for Auth.js. `clientId`, `clientSecret` and `issuer` may be left
 * out: Auth.js fills them from `AUTH_NEVERLOSE_ID`, `AUTH_NEVERLOSE_SECRET` and
 * `AUTH_NEVERLOSE_ISSUER` (the issuer with `providers: [Neverlose]`; see {@link Neverlose}).
 */
export interface NeverloseAuthjsOptions
  extends Omit<NeverloseProviderOptions, 'clientId' | 'clientSecret'> {
  /** @defaultValue `AUTH_NEVERLOSE_ID`, filled in by Auth.js */
  readonly clientId?: string;
  /** @defaultValue `AUTH_NEVERLOSE_SECRET`, filled in by Auth.js */
  readonly clientSecret?: string;
}

/** The variables Auth.js reads for a provider of id `neverlose`. */
const VARIABLES = { clientId: 'AUTH_NEVERLOSE_ID', clientSecret: 'AUTH_NEVERLOSE_SECRET' };

/**
 * The Neverlose provider for Auth.js: `@auth/core` and what runs on it (next-auth v5,
 * `@auth/express`, `@auth/sveltekit`...). For next-auth v4 use `neverlose-oidc/next-auth`.
 *
 * Configured as Auth.js's own providers are: `providers: [Neverlose]` reads `AUTH_NEVERLOSE_ID`,
 * `AUTH_NEVERLOSE_SECRET` and `AUTH_NEVERLOSE_ISSUER` (through the framework's environment), and
 * `Neverlose({ ... })` takes options, the client id and secret left out being filled from the
 * same variables. The options are checked on first use (the first request to the provider), not
 * when the provider is created, so a build without the secrets succeeds; a missing one names its
 * variable (`got undefined: set AUTH_NEVERLOSE_ID`).
 *
 * Auth.js (oauth4webapi) checks S256 PKCE, `state` and `nonce`, the callback's `iss` (RFC 9207,
 * required when discovery announces it), the discovery document's issuer, the id_token's `iss`,
 * `aud`, `exp`, `iat` and `nonce`, and that the userinfo `sub` is the id_token's. It does not
 * check the id_token's signature (it came over TLS from the token endpoint) nor its `at_hash`:
 * `profile()` does, with the core's checks (the JWK Set of the issuer's discovery document, with
 * the core's key-rotation rule), before any user is created; a token that fails refuses the
 * login. Every request Auth.js makes to the provider goes through this provider's fetch, which
 * refuses `http:` unless `dangerouslyAllowInsecureHttp` (Auth.js itself allows it) and gives up
 * after `timeout` (Auth.js sets no deadline: a token endpoint that never answers would hold the
 * login forever); the login is then refused. The profile
 * comes from userinfo (the Neverlose id_token carries no profile claims), mapped by the core's
 * `toProfile`.
 *
 * With `endpoints` (static mode) nothing is discovered; without `endpoints.jwks` no id_token is
 * expected and no nonce sent, as in the core.
 *
 * @example
 * ```ts
 * export const { handlers, auth, signIn, signOut } = NextAuth({ providers: [Neverlose] });
 * ```
 */
export function Neverlose(
  options: NeverloseAuthjsOptions = {},
): OIDCConfig<NeverloseClaims> | OAuth2Config<NeverloseClaims> {
  const given = (options ?? {}) as NeverloseAuthjsOptions;
  const endpoints = given.endpoints;
  const scope = (given.scopes ?? DEFAULT_SCOPES).join(' ');

  // Checked at first use, from the provider as Auth.js completed it (`clientId ??= env`).
  let settings: ResolvedProviderOptions | undefined;
  let checks: TokenChecks | undefined;
  const resolved = () => {
    settings ??= resolveProviderOptions(
      {
        ...given,
        clientId: provider.clientId as string,
        clientSecret: provider.clientSecret as string,
        issuer: provider.issuer as string,
      },
      VARIABLES,
    );
    return settings;
  };
  // Auth.js's requests to the provider (discovery, token, userinfo): https, and a deadline.
  const guardedFetch: typeof fetch = (input, init) =>
    fetchFromProvider(resolved().core, input, init);

  const common = {
    id: 'neverlose',
    name: 'Neverlose',
    issuer: (given.issuer ?? NEVERLOSE_ISSUER).replace(/\/+$/, ''),
    ...(given.clientId === undefined ? {} : { clientId: given.clientId }),
    ...(given.clientSecret === undefined ? {} : { clientSecret: given.clientSecret }),
    client: { token_endpoint_auth_method: 'client_secret_basic' },
    style: { brandColor: '#0f1115', text: '#ffffff' },
    [customFetch]: guardedFetch,
  } as const;
  const staticEndpoints =
    endpoints === undefined
      ? { authorization: { params: { scope } } }
      : {
          authorization: { url: endpoints.authorization, params: { scope } },
          token: endpoints.token,
          userinfo: endpoints.userinfo,
        };

  let provider: OIDCConfig<NeverloseClaims> | OAuth2Config<NeverloseClaims>;
  if (endpoints !== undefined && endpoints.jwks === undefined) {
    // The April 2025 provider issues no id_token: plain OAuth, userinfo for the profile.
    provider = {
      ...common,
      ...staticEndpoints,
      type: 'oauth',
      checks: ['pkce', 'state'],
      profile: (claims) => authUserOf(toProfile(claims)) as NeverloseAuthUser & { id: string },
    };
    return provider;
  }
  provider = {
    ...common,
    ...staticEndpoints,
    type: 'oidc',
    checks: ['pkce', 'state', 'nonce'],
    // The profile is read from userinfo, whose `sub` Auth.js checks against the id_token's.
    idToken: false,
    async profile(claims: NeverloseClaims, tokens: TokenSet) {
      checks ??= createTokenChecks(resolved().core);
      if (typeof tokens.access_token !== 'string' || tokens.access_token === '') {
        throw new NeverloseOidcError('ERR_TOKEN_EXCHANGE_FAILED', 'No access token came.');
      }
      await checks.verifyIdToken(tokens.id_token, tokens.access_token);
      return authUserOf(toProfile(claims)) as NeverloseAuthUser & { id: string };
    },
  };
  return provider;
}

import { isNeverloseOidcError, NeverloseOidcError } from '../../errors.js';
import { type NeverloseClaims, toProfile } from '../../profile.js';
import {
  type NeverloseProviderOptions,
  resolveProviderOptions,
} from '../shared/provider-options.js';
import { type NeverloseSessionUser, sessionUserOf } from '../shared/session-user.js';
import { createTokenChecks } from '../shared/token-checks.js';

/** The tokens better-auth hands to `getUserInfo`. */
export interface BetterAuthTokens {
  readonly accessToken?: string | undefined;
  readonly idToken?: string | undefined;
}

/**
 * What `getUserInfo` returns: the userinfo claims with better-auth's fields (`id`, `name`,
 * `email`, `image`, `emailVerified`) and the typed profile under `neverlose`.
 */
export interface NeverloseBetterAuthUserInfo extends NeverloseClaims {
  readonly id: string;
  readonly name?: string;
  readonly email?: string;
  readonly image?: string;
  /** Neverlose does not say whether an email is verified: always `false`. */
  readonly emailVerified: false;
  readonly neverlose: NeverloseSessionUser;
}

/**
 * A `genericOAuth` provider entry (better-auth's `GenericOAuthConfig`), typed here so that this
 * package's types do not depend on better-auth's.
 */
export interface NeverloseGenericOAuthConfig {
  readonly providerId: string;
  readonly name: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scopes: string[];
  readonly pkce: true;
  readonly authentication: 'basic';
  readonly discoveryUrl?: string;
  readonly requireIdTokenVerification?: boolean;
  readonly authorizationUrl?: string;
  readonly tokenUrl?: string;
  readonly userInfoUrl?: string;
  readonly getUserInfo: (tokens: BetterAuthTokens) => Promise<NeverloseBetterAuthUserInfo | null>;
}

/** Options of {@link neverlose}. */
export interface NeverloseBetterAuthOptions extends NeverloseProviderOptions {
  /**
   * The provider id: the callback is `<baseURL>/oauth2/callback/<providerId>`.
   *
   * @defaultValue `'neverlose'`
   */
  readonly providerId?: string;
  /**
   * Told why a login was refused after the token exchange (an id_token or userinfo that failed a
   * check). better-auth then redirects to its error page with `unable_to_get_user_info`. The
   * error names no token.
   *
   * @defaultValue `console.error` of the code and message
   */
  readonly onError?: (error: NeverloseOidcError) => void;
}

/**
 * The Neverlose provider for better-auth's `genericOAuth` plugin.
 *
 * better-auth checks S256 PKCE and `state` (kept server-side), binds and checks the `nonce`, the
 * callback's `iss` when present, and (with discovery) the id_token's signature against the JWK
 * Set, `iss`, `aud`, `exp` and `iat`. This entry's `getUserInfo` adds what it does not check: the
 * id_token's `at_hash` and its issuer against the one configured (not only the discovered one),
 * with the signature checked again; then it reads userinfo (the Neverlose id_token has no profile
 * claims), requires its `sub` to be the id_token's, and maps it with the core's `toProfile`.
 *
 * With `endpoints` (static mode) nothing is discovered and no id_token is expected.
 *
 * @throws {NeverloseOidcError} `ERR_CONFIGURATION` naming a bad option.
 * @example
 * ```ts
 * betterAuth({ plugins: [genericOAuth({ config: [neverlose({ clientId, clientSecret })] })] });
 * ```
 */
export function neverlose(options: NeverloseBetterAuthOptions): NeverloseGenericOAuthConfig {
  const { clientId, clientSecret, issuer, scope, endpoints, core } =
    resolveProviderOptions(options);
  const providerId = options.providerId ?? 'neverlose';
  if (!/^[A-Za-z0-9_-]+$/.test(providerId)) {
    throw new NeverloseOidcError(
      'ERR_CONFIGURATION',
      'Invalid option "providerId": must be letters, digits, "_" or "-".',
    );
  }
  const onError =
    options.onError ??
    ((error) => console.error(`neverlose-oidc: ${error.code}: ${error.message}`));
  const checks = createTokenChecks(core);

  const getUserInfo = async (
    tokens: BetterAuthTokens,
  ): Promise<NeverloseBetterAuthUserInfo | null> => {
    try {
      const { accessToken, idToken } = tokens;
      if (typeof accessToken !== 'string' || accessToken === '') {
        throw new NeverloseOidcError('ERR_TOKEN_EXCHANGE_FAILED', 'No access token came.');
      }
      const subject = checks.expectsIdToken
        ? (await checks.verifyIdToken(idToken, accessToken)).sub
        : undefined;
      const claims = await checks.userinfo(accessToken, subject);
      const profile = toProfile(claims);
      return {
        ...claims,
        id: profile.id,
        ...(profile.displayName === undefined ? {} : { name: profile.displayName }),
        ...(profile.email === undefined ? {} : { email: profile.email }),
        ...(profile.avatarUrl === undefined ? {} : { image: profile.avatarUrl }),
        emailVerified: false,
        neverlose: sessionUserOf(profile),
      };
    } catch (error) {
      onError(
        isNeverloseOidcError(error)
          ? error
          : new NeverloseOidcError('ERR_NETWORK', 'The userinfo request failed.', { cause: error }),
      );
      return null;
    }
  };

  // Built per call: better-auth may keep and change the array it is given.
  const common = {
    providerId,
    scopes: scope.split(' '),
    name: 'Neverlose',
    clientId,
    clientSecret,
    pkce: true,
    authentication: 'basic',
    getUserInfo,
  } as const;
  if (endpoints === undefined) {
    return {
      ...common,
      discoveryUrl: `${issuer}/.well-known/openid-configuration`,
      requireIdTokenVerification: true,
    };
  }
  return {
    ...common,
    authorizationUrl: endpoints.authorization,
    tokenUrl: endpoints.token,
    userInfoUrl: endpoints.userinfo,
  };
}

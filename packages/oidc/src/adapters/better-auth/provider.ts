import type { BetterAuthPlugin } from 'better-auth';
import { APIError, createAuthMiddleware } from 'better-auth/api';
import { createAuthorizationURL, getOAuth2Tokens, type OAuthProvider } from 'better-auth/oauth2';
import { isNeverloseOidcError, NeverloseOidcError } from '../../errors.js';
import { type NeverloseClaims, toProfile } from '../../profile.js';
import {
  lazyProviderOptions,
  type NeverloseProviderOptions,
  type ResolvedProviderOptions,
} from '../shared/provider-options.js';
import { type NeverloseSessionUser, sessionUserOf } from '../shared/session-user.js';
import { createTokenChecks, type TokenChecks } from '../shared/token-checks.js';

/**
 * The profile of a signed-in user as better-auth keeps it (`account` data, `mapProfileToUser`'s
 * argument): the userinfo claims, `id` (the Neverlose user id, `sub`), better-auth's fields, and
 * the typed profile under `neverlose`.
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

/** Fields of better-auth's user that {@link NeverloseBetterAuthOptions.mapProfileToUser} sets. */
export type NeverloseMappedUser = Record<string, unknown> & {
  readonly name?: string;
  readonly email?: string | null;
  readonly image?: string;
};

/** Options of {@link neverlose}. */
export interface NeverloseBetterAuthOptions extends NeverloseProviderOptions {
  /**
   * The provider id: sign in with `signIn.social({ provider })`; the callback is
   * `<baseURL>/callback/<providerId>` (`https://app.example/api/auth/callback/neverlose` with
   * better-auth's default `basePath`).
   *
   * @defaultValue `'neverlose'`
   */
  readonly providerId?: string;
  /**
   * Adds fields to better-auth's user from the Neverlose profile (declare them in
   * `user.additionalFields`). better-auth stores only fields a user could also set: keep display
   * data here, never what decides access (the Neverlose user id is the account's `accountId`).
   *
   * @defaultValue none: name, email and image only
   */
  readonly mapProfileToUser?: (
    profile: NeverloseBetterAuthUserInfo,
  ) => NeverloseMappedUser | Promise<NeverloseMappedUser>;
  /**
   * Updates the user's fields from Neverlose at every sign-in, not only the first.
   *
   * @defaultValue `false`
   */
  readonly overrideUserInfo?: boolean;
  /**
   * Refuses sign-ins of users who have no account yet.
   *
   * @defaultValue `false`
   */
  readonly disableSignUp?: boolean;
  /**
   * Told why a login was refused from the token exchange on (a token endpoint that refused the
   * code, failed or took longer than `timeout`, an id_token or userinfo that failed a check, a
   * callback without the `iss` the provider announces). better-auth then redirects to its error
   * page (`invalid_code`, `unable_to_get_user_info`, `issuer_missing`). The error names no token.
   *
   * @defaultValue `console.error` of the code and message
   */
  readonly onError?: (error: NeverloseOidcError) => void;
}

const CALLBACK_ENDPOINT = '/callback/:id';

/**
 * Login with Neverlose as a better-auth plugin: it registers the Neverlose provider, used through
 * better-auth's own routes (`signIn.social({ provider: 'neverlose' })`, `/callback/neverlose`).
 *
 * better-auth keeps `state`, the PKCE verifier and the `nonce` server-side and checks `state` and a
 * callback's `iss` when one comes. The plugin does the rest with the core's checks, none of
 * which better-auth can skip: discovery with its issuer checked (OpenID Connect Discovery §4.3),
 * a callback without `iss` refused when the provider announces RFC 9207 (before the code is
 * exchanged), the code exchanged by the core's token request (better-auth's own sets no deadline:
 * this one gives up after `timeout`), the id_token verified against the configured issuer (signature with the core's
 * key-rotation rule, so a new signing key costs one JWK Set fetch and no failed login; `aud`,
 * `exp`, `iat`, `nonce`, `at_hash`), and the profile read from userinfo with its `sub` bound to
 * the id_token's, mapped by the core's `toProfile`.
 *
 * The options are checked on first use (a sign-in), not when the plugin is created: a build
 * imports the configuration without the secrets. A missing one names its variable
 * (`got undefined: set NEVERLOSE_CLIENT_ID`). With `endpoints` (static mode) nothing is
 * discovered and no id_token is expected.
 *
 * @example
 * ```ts
 * betterAuth({ database, plugins: [neverlose({ clientId, clientSecret })] });
 * ```
 */
export function neverlose(options: NeverloseBetterAuthOptions): BetterAuthPlugin {
  const settings = lazyProviderOptions(options, {
    clientId: 'NEVERLOSE_CLIENT_ID',
    clientSecret: 'NEVERLOSE_CLIENT_SECRET',
  });
  const providerId = options?.providerId ?? 'neverlose';
  if (!/^[A-Za-z0-9_-]+$/.test(providerId)) {
    throw new NeverloseOidcError(
      'ERR_INVALID_OPTION',
      'Invalid option "providerId": must be letters, digits, "_" or "-".',
    );
  }
  const onError =
    options?.onError ??
    ((error) => console.error(`neverlose-oidc: ${error.code}: ${error.message}`));
  const report = (error: unknown) =>
    onError(
      isNeverloseOidcError(error)
        ? error
        : new NeverloseOidcError('ERR_NETWORK', 'The provider could not be reached.', {
            cause: error,
          }),
    );
  let checks: TokenChecks | undefined;
  const resolved = (): { settings: ResolvedProviderOptions; checks: TokenChecks } => {
    const current = settings();
    checks ??= createTokenChecks(current.core);
    return { settings: current, checks };
  };

  const provider: OAuthProvider<NeverloseBetterAuthUserInfo> = {
    id: providerId,
    name: 'Neverlose',
    get issuer() {
      // better-auth compares a callback's `iss` with it, when one comes.
      return settings().issuer;
    },
    requiresIdTokenNonce: options?.endpoints === undefined || options.endpoints.jwks !== undefined,
    async createAuthorizationURL({ state, codeVerifier, redirectURI, idTokenNonce, loginHint }) {
      const { settings, checks } = resolved();
      let endpoints: Awaited<ReturnType<TokenChecks['endpoints']>>;
      try {
        endpoints = await checks.endpoints();
      } catch (error) {
        // The provider's failure (discovery refused or unreachable): 502, not better-auth's 500.
        report(error);
        const code = isNeverloseOidcError(error) ? error.code : 'ERR_NETWORK';
        throw new APIError('BAD_GATEWAY', {
          code,
          message: 'Neverlose could not be reached or answered unexpectedly. Try again shortly.',
        });
      }
      return createAuthorizationURL({
        id: providerId,
        options: { clientId: settings.clientId, clientSecret: settings.clientSecret },
        authorizationEndpoint: endpoints.authorization,
        redirectURI,
        state,
        codeVerifier,
        scopes: settings.scope.split(' '),
        ...(idTokenNonce === undefined ? {} : { nonce: idTokenNonce }),
        ...(loginHint === undefined ? {} : { loginHint }),
      });
    },
    async validateAuthorizationCode({ code, codeVerifier, redirectURI }) {
      // The core's code exchange, not better-auth's: better-auth's sets no deadline, so a token
      // endpoint that never answers would hold the login (and its request) forever.
      try {
        const response = await resolved().checks.exchangeCode({
          code,
          codeVerifier,
          redirectUri: redirectURI,
        });
        return getOAuth2Tokens(response);
      } catch (error) {
        // better-auth then redirects to its error page (`invalid_code`).
        report(error);
        throw error;
      }
    },
    async getUserInfo(tokens) {
      try {
        const { checks } = resolved();
        const { accessToken, idToken, expectedIdTokenNonce } = tokens;
        if (typeof accessToken !== 'string' || accessToken === '') {
          throw new NeverloseOidcError('ERR_TOKEN_EXCHANGE_FAILED', 'No access token came.');
        }
        let subject: string | undefined;
        if (checks.expectsIdToken) {
          const claims = await checks.verifyIdToken(idToken, accessToken);
          if (expectedIdTokenNonce === undefined || claims.nonce !== expectedIdTokenNonce) {
            throw new NeverloseOidcError(
              'ERR_ID_TOKEN_INVALID',
              'The id_token was refused: its "nonce" is not the one of this login.',
            );
          }
          subject = claims.sub;
        }
        const claims = await checks.userinfo(accessToken, subject);
        const profile = toProfile(claims);
        const data: NeverloseBetterAuthUserInfo = {
          ...claims,
          id: profile.id,
          ...(profile.displayName === undefined ? {} : { name: profile.displayName }),
          ...(profile.email === undefined ? {} : { email: profile.email }),
          ...(profile.avatarUrl === undefined ? {} : { image: profile.avatarUrl }),
          emailVerified: false,
          neverlose: sessionUserOf(profile),
        };
        const mapped = options?.mapProfileToUser ? await options.mapProfileToUser(data) : {};
        return {
          user: {
            name: data.name,
            email: data.email,
            image: data.image,
            ...mapped,
            emailVerified: false,
          },
          data,
        };
      } catch (error) {
        report(error);
        return null;
      }
    },
    accountSubject: ({ profile }) => profile.sub,
    ...(options?.disableSignUp === undefined ? {} : { disableSignUp: options.disableSignUp }),
    options: {
      ...(options?.overrideUserInfo === undefined
        ? {}
        : { overrideUserInfoOnSignIn: options.overrideUserInfo }),
      ...(options?.disableSignUp === undefined ? {} : { disableSignUp: options.disableSignUp }),
      // Neverlose has no client-side sign-in: an id_token posted by a browser is refused.
      disableIdTokenSignIn: true,
    },
  };

  return {
    id: `neverlose-oidc:${providerId}`,
    init: (ctx) => ({
      context: { socialProviders: [provider, ...ctx.socialProviders] },
    }),
    hooks: {
      before: [
        {
          // RFC 9207 §2.4: when the provider announces the `iss` parameter, a callback without
          // it may come from another provider (mix-up). better-auth checks `iss` only when present.
          matcher: (context) =>
            context.path === CALLBACK_ENDPOINT && context.params?.['id'] === providerId,
          handler: createAuthMiddleware(async (ctx) => {
            const query = (ctx.query ?? {}) as Record<string, unknown>;
            if (typeof query['iss'] === 'string' || typeof query['error'] === 'string') return;
            let refused: NeverloseOidcError | undefined;
            try {
              if ((await resolved().checks.endpoints()).issRequired) {
                refused = new NeverloseOidcError(
                  'ERR_CALLBACK_INVALID',
                  'The callback has no "iss" parameter, which the provider announces (RFC 9207): it may come from another provider.',
                );
              }
            } catch (error) {
              refused = isNeverloseOidcError(error)
                ? error
                : new NeverloseOidcError('ERR_NETWORK', 'The provider could not be reached.', {
                    cause: error,
                  });
            }
            if (refused === undefined) return;
            report(refused);
            const errorURL =
              ctx.context.options.onAPIError?.errorURL ?? `${ctx.context.baseURL}/error`;
            const target = new URL(errorURL, ctx.context.baseURL);
            target.searchParams.set(
              'error',
              refused.code === 'ERR_CALLBACK_INVALID' ? 'issuer_missing' : 'provider_unavailable',
            );
            throw ctx.redirect(target.href);
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}

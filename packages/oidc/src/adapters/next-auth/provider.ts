import type { OAuthConfig } from 'next-auth/providers/oauth';
import { NEVERLOSE_ISSUER } from '../../constants.js';
import { NeverloseOidcError } from '../../errors.js';
import { CLOCK_TOLERANCE_SECONDS } from '../../id-token/checks.js';
import { quote } from '../../lib/quote.js';
import { type NeverloseClaims, toProfile } from '../../profile.js';
import { assertDiscoveredIssuer } from '../shared/discovered-issuer.js';
import { lazyProviderOptions, type NeverloseProviderOptions } from '../shared/provider-options.js';
import { authUserOf, type NeverloseAuthUser } from '../shared/session-user.js';

/** Options of {@link Neverlose} for next-auth v4. */
export interface NeverloseNextAuthOptions extends NeverloseProviderOptions {
  /**
   * The id_token signing algorithm Neverlose uses (openid-client v5, under next-auth v4, accepts
   * only this one).
   *
   * @defaultValue `'RS256'`
   */
  readonly idTokenSigningAlg?: 'RS256' | 'PS256' | 'ES256';
}

/** Node's codes of a request that reached no provider. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

/**
 * What openid-client v5 throws from `client.userinfo()`, as a {@link NeverloseOidcError}: the
 * same codes and messages as the core's userinfo step. It names its errors (`OPError` for the
 * provider's refusal, `RPError` for a failed check or a timeout) and lets Node's own through.
 */
function userinfoError(thrown: unknown): NeverloseOidcError {
  const { name, message, code, error, error_description } = (thrown ?? {}) as {
    name?: unknown;
    message?: unknown;
    code?: unknown;
    error?: unknown;
    error_description?: unknown;
  };
  const text = typeof message === 'string' ? message : '';
  const cause = { cause: thrown };
  if (name === 'RPError' && text.startsWith('userinfo sub mismatch')) {
    return new NeverloseOidcError(
      'ERR_USERINFO_FAILED',
      'The userinfo "sub" is not the id_token "sub": the answers are about different users.',
      cause,
    );
  }
  if (name === 'RPError' && text.startsWith('outgoing request timed out')) {
    return new NeverloseOidcError(
      'ERR_TIMEOUT',
      'The userinfo request took longer than the timeout.',
      cause,
    );
  }
  if (typeof code === 'string' && NETWORK_CODES.has(code)) {
    return new NeverloseOidcError(
      'ERR_NETWORK',
      `The userinfo request failed: the provider could not be reached (${code}).`,
      cause,
    );
  }
  if (name === 'OPError' && typeof error === 'string') {
    const description = typeof error_description === 'string' ? error_description : undefined;
    return new NeverloseOidcError(
      'ERR_USERINFO_FAILED',
      `The userinfo endpoint refused the access token with ${quote(error)}${description === undefined ? '' : ` (${quote(description)})`}.`,
      {
        ...cause,
        oauthError: {
          error,
          ...(description === undefined ? {} : { errorDescription: description }),
        },
      },
    );
  }
  return new NeverloseOidcError('ERR_USERINFO_FAILED', 'The userinfo request failed.', cause);
}

/** The part of openid-client v5's `Client` (under next-auth v4) the token request uses. */
interface OpenIdClientV5 {
  readonly issuer: { readonly metadata: { readonly issuer?: unknown } };
  callback(redirectUri: string, parameters: unknown, checks: unknown): Promise<TokenSetV5>;
  oauthCallback(redirectUri: string, parameters: unknown, checks: unknown): Promise<TokenSetV5>;
}

/** The part of openid-client v5's `TokenSet` the token request reads. */
interface TokenSetV5 {
  readonly id_token?: string;
  claims(): { readonly iat?: unknown };
}

/**
 * The Neverlose provider for next-auth v4 (`next-auth@4`, the `latest` on npm). For Auth.js
 * (`@auth/core`, next-auth v5, `@auth/express`, `@auth/sveltekit`) use `neverlose-oidc/authjs`.
 *
 * next-auth v4 runs openid-client v5, which does most checks: S256 PKCE, `state` and `nonce`
 * (`checks`), the callback's `iss` (RFC 9207, required when discovery announces it), and the
 * id_token's signature against the provider's JWK Set, `iss`, `aud`, `exp` and `at_hash`. The
 * provider adds, in its token request (before the code is sent anywhere), what v5 does not
 * check: that the discovery document names the configured issuer (OpenID Connect Discovery
 * §4.3; v5 trusts whichever issuer it names), and that the id_token's `iat` is not more than 30 s
 * ahead (v5 only checks that it is a number). openid-client's requests are given the core's
 * `timeout` (10 s; v5's own default is 3.5 s). The profile comes from userinfo, whose `sub`
 * openid-client checks against the id_token's (the Neverlose id_token carries no profile
 * claims), mapped by the core's `toProfile`.
 *
 * The options are checked when first used (a sign-in, a session read), not when the provider is
 * created, so that `next build` succeeds without the secrets; a missing one is named with its
 * variable (`got undefined: set NEVERLOSE_CLIENT_ID`).
 *
 * With `endpoints` (static mode) nothing is discovered; without `endpoints.jwks` no id_token is
 * expected and no nonce sent, as in the core.
 *
 * @example
 * ```ts
 * export const authOptions: NextAuthOptions = {
 *   providers: [Neverlose({ clientId: process.env.NEVERLOSE_CLIENT_ID!, clientSecret: process.env.NEVERLOSE_CLIENT_SECRET! })],
 * };
 * ```
 */
export function Neverlose(options: NeverloseNextAuthOptions): OAuthConfig<NeverloseClaims> {
  const settings = lazyProviderOptions(options, {
    clientId: 'NEVERLOSE_CLIENT_ID',
    clientSecret: 'NEVERLOSE_CLIENT_SECRET',
  });
  // What decides the provider's shape is read as given: checking it waits for the first use.
  const issuer = (options?.issuer ?? NEVERLOSE_ISSUER).replace(/\/+$/, '');
  const endpoints = options?.endpoints;
  const scope = (options?.scopes ?? ['openid', 'profile', 'email']).join(' ');
  const idToken = endpoints === undefined || endpoints.jwks !== undefined;
  return {
    id: 'neverlose',
    name: 'Neverlose',
    type: 'oauth',
    issuer,
    // next-auth reads every field of the provider when it handles a request (never when the
    // configuration is built): the options are checked there, on first use.
    get clientId() {
      return settings().clientId;
    },
    get clientSecret() {
      return settings().clientSecret;
    },
    // openid-client v5's requests (discovery, token, userinfo, JWK Set) wait 3.5 s by default:
    // under load, a provider the core would wait for fails the login. The core's timeout instead.
    get httpOptions() {
      return { timeout: settings().core.timeout };
    },
    idToken,
    checks: idToken ? ['pkce', 'state', 'nonce'] : ['pkce', 'state'],
    client: {
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: options?.idTokenSigningAlg ?? 'RS256',
    },
    ...(endpoints === undefined
      ? {
          wellKnown: `${issuer}/.well-known/openid-configuration`,
          authorization: { params: { scope } },
        }
      : {
          authorization: { url: endpoints.authorization, params: { scope } },
          ...(endpoints.jwks === undefined ? {} : { jwks_endpoint: endpoints.jwks }),
        }),
    token: {
      ...(endpoints === undefined ? {} : { url: endpoints.token }),
      // The code exchange of next-auth, with what openid-client v5 leaves out checked first.
      request: async ({ client, params, checks, provider }) => {
        const v5 = client as unknown as OpenIdClientV5;
        assertDiscoveredIssuer(v5.issuer.metadata.issuer, settings().issuer);
        const callbackUrl = (provider as { callbackUrl: string }).callbackUrl;
        if (!idToken) {
          return { tokens: (await v5.oauthCallback(callbackUrl, params, checks)) as never };
        }
        const tokens = await v5.callback(callbackUrl, params, checks);
        const { iat } = tokens.claims();
        if (
          typeof iat !== 'number' ||
          iat > Math.floor(Date.now() / 1000) + CLOCK_TOLERANCE_SECONDS
        ) {
          throw new NeverloseOidcError(
            'ERR_ID_TOKEN_INVALID',
            `The id_token was refused: "iat" is ${typeof iat === 'number' ? `in the future (${iat}, more than ${CLOCK_TOLERANCE_SECONDS} s ahead)` : 'missing'}.`,
          );
        }
        return { tokens: tokens as never };
      },
    },
    userinfo: {
      ...(endpoints === undefined ? {} : { url: endpoints.userinfo }),
      // next-auth hands over openid-client's TokenSet (typed as its parameters): given the
      // TokenSet, openid-client checks that the userinfo `sub` is the id_token's. Its errors
      // become this package's, with their codes.
      request: async ({ client, tokens }) => {
        try {
          return (await client.userinfo(
            tokens as Parameters<typeof client.userinfo>[0],
          )) as NeverloseClaims;
        } catch (error) {
          throw userinfoError(error);
        }
      },
    },
    profile: (claims) => authUserOf(toProfile(claims)) as NeverloseAuthUser & { id: string },
  };
}

import * as oidc from 'openid-client';
import { fetchUserinfo } from '../../authorization/userinfo.js';
import { createConfiguration, type ProviderConfiguration } from '../../configuration.js';
import { createDiagnosticSink } from '../../diagnostics/sink.js';
import { NeverloseOidcError } from '../../errors.js';
import { verifyIdToken } from '../../id-token/verify.js';
import { challengeErrorOf, toNeverloseError } from '../../lib/openid-errors.js';
import type { IdTokenClaims, NeverloseClaims } from '../../profile.js';
import type { ResolvedOptions } from '../../validate-options.js';

/**
 * @internal The core's checks of what a framework obtained with its own token exchange (Auth.js,
 * better-auth), over the core's provider configuration: discovery (or the static endpoints),
 * created at the first use and again after a failure, and the JWK Set with its key-rotation rule.
 * Its events (discovery, JWK Set fetches) go to the diagnostics channel and `NODE_DEBUG`.
 */
export interface TokenChecks {
  /** True when an id_token is expected: discovery, or static endpoints with `jwks`. */
  readonly expectsIdToken: boolean;
  /**
   * The provider's endpoints (discovered, with the document's issuer checked, or static), and
   * whether a callback must carry `iss` (RFC 9207: the document announces it).
   *
   * @throws {NeverloseOidcError} `ERR_DISCOVERY_FAILED`, `ERR_NETWORK`, `ERR_TIMEOUT`.
   */
  endpoints(): Promise<ProviderEndpoints>;
  /**
   * Exchanges an authorization code at the token endpoint as the core does: its client
   * authentication, `fetch` and `timeout` (a framework's own exchange may wait forever).
   * openid-client checks the id_token's `iss`, `aud`, `exp` and `iat`; its signature, `nonce`
   * and `at_hash` are left to {@link verifyIdToken} and the framework.
   *
   * @throws {NeverloseOidcError} `ERR_INVALID_GRANT`, `ERR_TOKEN_EXCHANGE_FAILED`,
   *   `ERR_ID_TOKEN_INVALID`, `ERR_TIMEOUT`, `ERR_NETWORK`, `ERR_DISCOVERY_FAILED`.
   */
  exchangeCode(grant: CodeGrant): Promise<oidc.TokenEndpointResponse>;
  /**
   * Verifies the id_token (see the core's `verifyIdToken`) and returns its claims.
   *
   * @throws {NeverloseOidcError} `ERR_ID_TOKEN_INVALID` (a missing id_token included),
   *   `ERR_DISCOVERY_FAILED`, `ERR_NETWORK`, `ERR_TIMEOUT`.
   */
  verifyIdToken(idToken: unknown, accessToken: string): Promise<IdTokenClaims>;
  /**
   * Reads userinfo; with `expectedSub`, refuses one about another user.
   *
   * @throws {NeverloseOidcError} `ERR_USERINFO_FAILED`, `ERR_DISCOVERY_FAILED`, `ERR_NETWORK`,
   *   `ERR_TIMEOUT`.
   */
  userinfo(accessToken: string, expectedSub: string | undefined): Promise<NeverloseClaims>;
}

/** @internal An authorization code and what its token request sends with it. */
export interface CodeGrant {
  readonly code: string;
  /** The PKCE verifier of the login, when one was sent. */
  readonly codeVerifier: string | undefined;
  /** The redirect URI the code was issued for. */
  readonly redirectUri: string;
}

/** @internal What a framework that makes its own requests needs of the provider's metadata. */
export interface ProviderEndpoints {
  readonly authorization: string;
  readonly token: string;
  /** A callback without `iss` must be refused (RFC 9207 §2.4). */
  readonly issRequired: boolean;
}

/** @internal The checks of one provider entry; nothing is fetched until the first login. */
export function createTokenChecks(options: ResolvedOptions): TokenChecks {
  const events = createDiagnosticSink(options, undefined);
  let pending: Promise<ProviderConfiguration> | undefined;
  const provider = (): Promise<ProviderConfiguration> => {
    if (pending === undefined) {
      const created = createConfiguration(options, events);
      pending = created;
      // A failed discovery is tried again at the next login, not kept.
      created.catch(() => {
        if (pending === created) pending = undefined;
      });
    }
    return pending;
  };
  return {
    expectsIdToken: options.endpoints === undefined || options.endpoints.jwks !== undefined,
    async endpoints() {
      const { config, issRequired } = await provider();
      const metadata = config.serverMetadata();
      return {
        authorization: metadata.authorization_endpoint as string,
        token: metadata.token_endpoint as string,
        issRequired,
      };
    },
    async exchangeCode({ code, codeVerifier, redirectUri }) {
      const { config } = await provider();
      const parameters: Record<string, string> = { code, redirect_uri: redirectUri };
      if (codeVerifier !== undefined) parameters['code_verifier'] = codeVerifier;
      try {
        return await oidc.genericGrantRequest(config, 'authorization_code', parameters);
      } catch (error) {
        throw toNeverloseError(error, 'token', await challengeErrorOf(error), options.clientId);
      }
    },
    async verifyIdToken(idToken, accessToken) {
      const { keys, issuer } = await provider();
      if (keys === undefined) {
        throw new NeverloseOidcError(
          'ERR_INVALID_OPTION',
          'No id_token can be verified without a JWK Set: set "endpoints.jwks", or use discovery.',
        );
      }
      if (typeof idToken !== 'string' || idToken === '') {
        throw new NeverloseOidcError(
          'ERR_ID_TOKEN_INVALID',
          'The id_token was refused: the token response has none.',
        );
      }
      const expected = { issuer, clientId: options.clientId };
      return verifyIdToken(idToken, accessToken, expected, keys, Date.now());
    },
    async userinfo(accessToken, expectedSub) {
      return fetchUserinfo(await provider(), options.clientId, accessToken, expectedSub);
    },
  };
}

import * as oidc from 'openid-client';
import type { ProviderConfiguration } from '../configuration.js';
import { NeverloseOidcError } from '../errors.js';
import { checkIdToken } from '../id-token/checks.js';
import { challengeErrorOf, hasCode, toNeverloseError } from '../lib/openid-errors.js';
import {
  type IdTokenClaims,
  type NeverloseClaims,
  type NeverloseProfile,
  toProfile,
} from '../profile.js';
import { validateReturnTo } from '../return-to.js';
import {
  type AuthorizationTransaction,
  assertNotExpired,
  assertTransaction,
} from '../transaction/transaction.js';
import { type CallbackInput, callbackUrl, checkCallback } from './callback.js';

/** The tokens of a completed login. Neverlose never issues a refresh token. */
export interface NeverloseTokens {
  /** The access token, for the userinfo endpoint. */
  readonly accessToken: string;
  /** The token type, lowercase (`bearer`). */
  readonly tokenType: string;
  /** When the access token expires, in milliseconds since the epoch, if the provider said. */
  readonly expiresAt?: number;
  /** The access token's lifetime in seconds, as the provider sent it. */
  readonly expiresIn?: number;
  /** The raw id_token, when one came (discovery mode). */
  readonly idToken?: string;
  /** The granted scopes, when the provider sent them. */
  readonly scope?: string;
}

/** What {@link NeverloseClient.completeAuthorization} returns. */
export interface AuthorizationResult {
  /** The user, from the userinfo endpoint. */
  readonly profile: NeverloseProfile;
  /** The validated id_token claims; absent when no id_token came (static-endpoint mode). */
  readonly claims: IdTokenClaims | undefined;
  /** The tokens. */
  readonly tokens: NeverloseTokens;
  /**
   * The transaction's `returnTo`, if one was given: a same-origin path of printable ASCII, ready
   * for a `Location` header (see {@link validateReturnTo}).
   */
  readonly returnTo: string | undefined;
}

/** @internal Completes a login: callback checks, token exchange, id_token checks, userinfo. */
export async function completeAuthorization(
  provider: ProviderConfiguration,
  clientId: string,
  callback: CallbackInput,
  transaction: AuthorizationTransaction | null | undefined,
): Promise<AuthorizationResult> {
  assertTransaction(transaction);
  const tx = transaction;
  if (tx.issuer !== provider.issuer || tx.clientId !== clientId) {
    throw new NeverloseOidcError(
      'ERR_TRANSACTION_MISMATCH',
      `The login transaction belongs to client "${tx.clientId}" at ${tx.issuer}, not to this client.`,
    );
  }
  const now = Date.now();
  assertNotExpired(tx, now);
  const { url, relative } = callbackUrl(callback, tx.redirectUri);
  const params = checkCallback(url, relative, tx, provider.issRequired);
  // Checked again, before any request: the transaction may come from storage written by an older
  // version, and the value returned must be header-safe.
  const returnTo = tx.returnTo === undefined ? undefined : validateReturnTo(tx.returnTo);

  // The redirect_uri of the token request is the one of the transaction, whatever host the
  // callback was read from (a proxy can hide the public one).
  const current = new URL(tx.redirectUri);
  current.search = params.toString();

  let response: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
  try {
    response = await oidc.authorizationCodeGrant(provider.config, current, {
      ...(tx.codeVerifier === undefined ? {} : { pkceCodeVerifier: tx.codeVerifier }),
      expectedState: tx.state ?? oidc.skipStateCheck,
      ...(tx.nonce === undefined ? {} : { expectedNonce: tx.nonce }),
      idTokenExpected: provider.idTokenExpected,
    });
  } catch (error) {
    throw toNeverloseError(error, 'token', await challengeErrorOf(error), clientId);
  }

  const accessToken = response.access_token;
  // Without a JWK Set (static mode without `jwks`) an id_token cannot be verified: one that comes
  // anyway is ignored, its claims never returned nor used.
  const idToken = provider.idTokenExpected ? response.id_token : undefined;
  let claims: IdTokenClaims | undefined;
  if (idToken !== undefined) {
    claims = response.claims() as IdTokenClaims | undefined;
    checkIdToken(idToken, accessToken, claims, Date.now());
  }

  let userinfo: NeverloseClaims;
  try {
    userinfo = (await oidc.fetchUserInfo(
      provider.config,
      accessToken,
      claims?.sub ?? oidc.skipSubjectCheck,
    )) as NeverloseClaims;
  } catch (error) {
    if (hasCode(error, 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED')) {
      throw new NeverloseOidcError(
        'ERR_USERINFO_FAILED',
        'The userinfo "sub" is not the id_token "sub": the answers are about different users.',
        { cause: error },
      );
    }
    throw toNeverloseError(error, 'userinfo', await challengeErrorOf(error), clientId);
  }

  const expiresIn = response.expires_in;
  const tokens: NeverloseTokens = {
    accessToken,
    tokenType: response.token_type,
    ...(expiresIn === undefined ? {} : { expiresIn, expiresAt: now + expiresIn * 1000 }),
    ...(idToken === undefined ? {} : { idToken }),
    ...(response.scope === undefined ? {} : { scope: response.scope }),
  };
  return { profile: toProfile(userinfo), claims, tokens, returnTo };
}

import * as oidc from 'openid-client';
import type { ProviderConfiguration } from '../configuration.js';
import type { OidcFailedDiagnostic, StateHash } from '../diagnostics/records.js';
import { stateHashOf } from '../diagnostics/sink.js';
import { isNeverloseOidcError, NeverloseOidcError } from '../errors.js';
import { checkIdToken } from '../id-token/checks.js';
import { challengeErrorOf, statusOf, toNeverloseError } from '../lib/openid-errors.js';
import { type IdTokenClaims, type NeverloseProfile, toProfile } from '../profile.js';
import { validateReturnTo } from '../return-to.js';
import { assertBound } from '../transaction/binding.js';
import { type AuthorizationTransaction, assertNotExpired } from '../transaction/transaction.js';
import { type CallbackInput, callbackState, callbackUrl, checkCallback } from './callback.js';
import { fetchUserinfo } from './userinfo.js';

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

/** Where a login is, for the event of its failure. */
interface Progress {
  step: OidcFailedDiagnostic['step'];
  /** When the current step started, for the steps that make a request. */
  started: number | undefined;
  stateHash: StateHash | undefined;
}

/** An OAuth error code as the spec spells them (RFC 6749 §5.2), else nothing: events stay tidy. */
const OAUTH_ERROR_CODE = /^[\x20\x21\x23-\x5b\x5d-\x7e]{1,64}$/;

/**
 * @internal Completes a login: the browser binding, callback checks, token exchange, id_token
 * checks, userinfo. Reports each step that passes, and the one that fails, as events.
 */
export async function completeAuthorization(
  provider: ProviderConfiguration,
  clientId: string,
  callback: CallbackInput,
  transaction: AuthorizationTransaction | null | undefined,
  binding: string | undefined,
): Promise<AuthorizationResult> {
  const progress: Progress = { step: 'callback', started: undefined, stateHash: undefined };
  try {
    return await complete(provider, clientId, callback, transaction, binding, progress);
  } catch (error) {
    const { events } = provider;
    if (events.active && isNeverloseOidcError(error)) {
      const status = statusOf(error.cause);
      const oauthError = error.oauthError?.error;
      events.emit({
        type: 'oidc:failed',
        step: progress.step,
        code: error.code,
        message: error.message,
        ...(progress.stateHash === undefined ? {} : { stateHash: progress.stateHash }),
        ...(progress.started === undefined ? {} : { durationMs: Date.now() - progress.started }),
        ...(status === undefined ? {} : { status }),
        ...(oauthError !== undefined && OAUTH_ERROR_CODE.test(oauthError) ? { oauthError } : {}),
      });
    }
    throw error;
  }
}

async function complete(
  provider: ProviderConfiguration,
  clientId: string,
  callback: CallbackInput,
  transaction: AuthorizationTransaction | null | undefined,
  binding: string | undefined,
  progress: Progress,
): Promise<AuthorizationResult> {
  const { events } = provider;
  if (events.active) {
    const state =
      typeof transaction?.state === 'string' ? transaction.state : callbackStateOf(callback);
    progress.stateHash = await stateHashOf(events, state);
  }
  // First: whatever kept the transaction, the callback must come from the browser it was given to.
  const tx = await assertBound(transaction, binding);
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
  const stateHash = progress.stateHash === undefined ? {} : { stateHash: progress.stateHash };
  if (events.active) {
    events.emit({ type: 'oidc:callback', ...stateHash, transactionAgeMs: now - tx.createdAt });
  }

  // The redirect_uri of the token request is the one of the transaction, whatever host the
  // callback was read from (a proxy can hide the public one).
  const current = new URL(tx.redirectUri);
  current.search = params.toString();

  progress.step = 'token';
  progress.started = Date.now();
  let response: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
  try {
    response = await oidc.authorizationCodeGrant(provider.config, current, {
      ...(tx.codeVerifier === undefined ? {} : { pkceCodeVerifier: tx.codeVerifier }),
      expectedState: tx.state ?? oidc.skipStateCheck,
      ...(tx.nonce === undefined ? {} : { expectedNonce: tx.nonce }),
      idTokenExpected: provider.keys !== undefined,
    });
  } catch (error) {
    throw toNeverloseError(error, 'token', await challengeErrorOf(error), clientId);
  }

  const accessToken = response.access_token;
  // Without a JWK Set (static mode without `jwks`) an id_token cannot be verified: one that comes
  // anyway is ignored, its claims never returned nor used.
  const idToken = provider.keys === undefined ? undefined : response.id_token;
  let claims: IdTokenClaims | undefined;
  if (idToken !== undefined && provider.keys !== undefined) {
    claims = response.claims() as IdTokenClaims | undefined;
    await checkIdToken(idToken, accessToken, claims, Date.now(), provider.keys);
  }
  const expiresIn = response.expires_in;
  if (events.active) {
    events.emit({
      type: 'oidc:token',
      ...stateHash,
      durationMs: Date.now() - progress.started,
      status: 200,
      idToken: idToken !== undefined,
      ...(expiresIn === undefined ? {} : { expiresIn }),
    });
  }

  progress.step = 'userinfo';
  progress.started = Date.now();
  const userinfo = await fetchUserinfo(provider, clientId, accessToken, claims?.sub);
  if (events.active) {
    events.emit({
      type: 'oidc:userinfo',
      ...stateHash,
      durationMs: Date.now() - progress.started,
      status: 200,
    });
  }

  const tokens: NeverloseTokens = {
    accessToken,
    tokenType: response.token_type,
    ...(expiresIn === undefined ? {} : { expiresIn, expiresAt: now + expiresIn * 1000 }),
    ...(idToken === undefined ? {} : { idToken }),
    ...(response.scope === undefined ? {} : { scope: response.scope }),
  };
  return { profile: toProfile(userinfo), claims, tokens, returnTo };
}

/** The `state` of a callback, for the events of a login whose transaction is missing. */
function callbackStateOf(callback: CallbackInput): string | undefined {
  try {
    return callbackState(callback);
  } catch {
    return undefined;
  }
}

import * as oidc from 'openid-client';
import type { ProviderConfiguration } from '../configuration.js';
import { stateHashOf } from '../diagnostics/sink.js';
import { isNeverloseOidcError, NeverloseOidcError } from '../errors.js';
import { randomTokens, sha256Base64url } from '../lib/web-crypto.js';
import { validateReturnTo } from '../return-to.js';
import type { BoundTransaction } from '../transaction/binding.js';
import type { AuthorizationTransaction } from '../transaction/transaction.js';
import { checkRedirectUri, type ResolvedOptions } from '../validate-options.js';

/** Options of {@link NeverloseClient.startAuthorization}. */
export interface StartAuthorizationOptions {
  /**
   * Where to send the user after login: a same-origin relative path, checked by
   * {@link validateReturnTo}, which percent-encodes it to printable ASCII (`/café` is kept as
   * `/caf%C3%A9`). It comes back in that form as `returnTo` from `completeAuthorization`.
   *
   * @defaultValue absent
   * @example `'/settings/linked-accounts'`
   */
  readonly returnTo?: string;
  /**
   * Extra authorization request parameters, such as `prompt` or `login_hint`. Parameters this
   * package controls (`state`, `nonce`, `code_challenge`, `redirect_uri`, `scope`...) are refused.
   *
   * @defaultValue `{}`
   * @example `{ prompt: 'consent' }`
   * @see {@link https://openid.net/specs/openid-connect-core-1_0.html#AuthRequest OIDC Core §3.1.2.1}
   */
  readonly extraParams?: Readonly<Record<string, string>>;
  /**
   * The redirect URI of this login, when it differs per request (a host taken from a trusted
   * proxy header). Same rules as the `redirectUri` option; it is bound to the transaction.
   *
   * @defaultValue the client's `redirectUri` option
   * @example `'https://eu.app.example/auth/neverlose/callback'`
   */
  readonly redirectUri?: string;
}

/**
 * What {@link NeverloseClient.startAuthorization} returns: the URL, the transaction to keep for
 * the callback (a store keyed by `binding`, the session, or sealed in a cookie), and the
 * browser binding, which only this browser may get back.
 */
export interface StartedAuthorization extends BoundTransaction {
  /** The provider's authorization URL: redirect the browser to it. */
  readonly url: URL;
}

const RESERVED = new Set([
  'client_id',
  'response_type',
  'response_mode',
  'redirect_uri',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'request',
  'request_uri',
]);

function checkExtraParams(extra: unknown): Readonly<Record<string, string>> {
  if (extra === undefined) return {};
  if (typeof extra !== 'object' || extra === null || Array.isArray(extra)) {
    throw new NeverloseOidcError(
      'ERR_INVALID_ARGUMENT',
      'Invalid argument "extraParams" of startAuthorization: must be an object.',
    );
  }
  for (const [key, value] of Object.entries(extra)) {
    if (RESERVED.has(key)) {
      throw new NeverloseOidcError(
        'ERR_INVALID_ARGUMENT',
        `Invalid argument "extraParams" of startAuthorization: "${key}" is set by neverlose-oidc and cannot be overridden.`,
      );
    }
    if (typeof value !== 'string') {
      throw new NeverloseOidcError(
        'ERR_INVALID_ARGUMENT',
        `Invalid argument "extraParams" of startAuthorization: "${key}" must be a string.`,
      );
    }
  }
  return extra as Record<string, string>;
}

/**
 * @internal Creates a transaction and the authorization URL: S256 PKCE and `state` always (unless
 * the `no_pkce` / `no_state` scopes were requested), a `nonce` whenever an id_token is expected.
 */
export async function startAuthorization(
  provider: ProviderConfiguration,
  options: ResolvedOptions,
  request: StartAuthorizationOptions = {},
): Promise<StartedAuthorization> {
  const { events } = provider;
  let started: StartedAuthorization;
  try {
    started = await createAuthorization(provider, options, request);
  } catch (error) {
    if (events.active && isNeverloseOidcError(error)) {
      events.emit({
        type: 'oidc:failed',
        step: 'authorization',
        code: error.code,
        message: error.message,
      });
    }
    throw error;
  }
  if (events.active) {
    const { transaction } = started;
    const stateHash = await stateHashOf(events, transaction.state);
    events.emit({
      type: 'oidc:authorization-started',
      ...(stateHash === undefined ? {} : { stateHash }),
      redirectUri: transaction.redirectUri,
      scope: transaction.scope,
      pkce: transaction.codeVerifier !== undefined,
      returnTo: transaction.returnTo !== undefined,
    });
  }
  return started;
}

async function createAuthorization(
  provider: ProviderConfiguration,
  options: ResolvedOptions,
  request: StartAuthorizationOptions,
): Promise<StartedAuthorization> {
  if (typeof request !== 'object' || request === null) {
    throw new NeverloseOidcError(
      'ERR_INVALID_ARGUMENT',
      'Invalid argument of startAuthorization: must be an options object or nothing.',
    );
  }
  const redirectUri =
    request.redirectUri === undefined
      ? options.redirectUri
      : checkRedirectUri(request.redirectUri, 'redirectUri', options.allowInsecureHttp);
  if (redirectUri === undefined) {
    throw new NeverloseOidcError(
      'ERR_INVALID_OPTION',
      'Missing "redirectUri": set it on createNeverloseClient or pass it to startAuthorization.',
    );
  }
  const returnTo = request.returnTo === undefined ? undefined : validateReturnTo(request.returnTo);
  const extra = checkExtraParams(request.extraParams);

  const { scope } = options;
  // One draw for the four secrets; each is 256 bits, as openid-client's own.
  const [stateToken, verifierToken, nonceToken, binding] = randomTokens(4) as [
    string,
    string,
    string,
    string,
  ];
  const state = options.noState ? undefined : stateToken;
  const codeVerifier = options.noPkce ? undefined : verifierToken;
  const nonce = provider.keys === undefined ? undefined : nonceToken;

  const parameters: Record<string, string> = { ...extra, redirect_uri: redirectUri, scope };
  // S256 (RFC 7636 §4.2): the base64url SHA-256 of the verifier, as openid-client computes it.
  const [codeChallenge, bindingHash] = await Promise.all([
    codeVerifier === undefined ? undefined : sha256Base64url(codeVerifier),
    sha256Base64url(binding),
  ]);
  if (codeChallenge !== undefined) {
    parameters.code_challenge = codeChallenge;
    parameters.code_challenge_method = 'S256';
  }
  if (state !== undefined) parameters.state = state;
  if (nonce !== undefined) parameters.nonce = nonce;
  const url = oidc.buildAuthorizationUrl(provider.config, parameters);

  const createdAt = Date.now();
  const transaction: AuthorizationTransaction = {
    v: 1,
    ...(state === undefined ? {} : { state }),
    ...(codeVerifier === undefined ? {} : { codeVerifier }),
    ...(nonce === undefined ? {} : { nonce }),
    issuer: provider.issuer,
    clientId: options.clientId,
    redirectUri,
    scope,
    createdAt,
    expiresAt: createdAt + options.transactionTtl,
    ...(returnTo === undefined ? {} : { returnTo }),
    bindingHash,
  };
  return { url, transaction, binding };
}

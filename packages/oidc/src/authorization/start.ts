import * as oidc from 'openid-client';
import type { ProviderConfiguration } from '../configuration.js';
import { isNeverloseOidcError, NeverloseOidcError } from '../errors.js';
import { stateHashOf } from '../events/sink.js';
import { validateReturnTo } from '../return-to.js';
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

/** What {@link NeverloseClient.startAuthorization} returns. */
export interface StartedAuthorization {
  /** The provider's authorization URL: redirect the browser to it. */
  readonly url: URL;
  /** Keep it (session, store, sealed cookie) for the callback; plain JSON. */
  readonly transaction: AuthorizationTransaction;
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
    throw new NeverloseOidcError('ERR_CONFIGURATION', 'Invalid "extraParams": must be an object.');
  }
  for (const [key, value] of Object.entries(extra)) {
    if (RESERVED.has(key)) {
      throw new NeverloseOidcError(
        'ERR_CONFIGURATION',
        `Invalid "extraParams": "${key}" is set by neverlose-oidc and cannot be overridden.`,
      );
    }
    if (typeof value !== 'string') {
      throw new NeverloseOidcError(
        'ERR_CONFIGURATION',
        `Invalid "extraParams": "${key}" must be a string.`,
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
      'ERR_CONFIGURATION',
      'Invalid argument of startAuthorization: must be an options object or nothing.',
    );
  }
  const redirectUri =
    request.redirectUri === undefined
      ? options.redirectUri
      : checkRedirectUri(request.redirectUri, 'redirectUri', options.allowInsecureHttp);
  if (redirectUri === undefined) {
    throw new NeverloseOidcError(
      'ERR_CONFIGURATION',
      'Missing "redirectUri": set it on createNeverloseClient or pass it to startAuthorization.',
    );
  }
  const returnTo = request.returnTo === undefined ? undefined : validateReturnTo(request.returnTo);
  const extra = checkExtraParams(request.extraParams);

  const scope = options.scopes.join(' ');
  const state = options.scopes.includes('no_state') ? undefined : oidc.randomState();
  const codeVerifier = options.scopes.includes('no_pkce')
    ? undefined
    : oidc.randomPKCECodeVerifier();
  const nonce = provider.keys === undefined ? undefined : oidc.randomNonce();

  const parameters: Record<string, string> = { ...extra, redirect_uri: redirectUri, scope };
  if (codeVerifier !== undefined) {
    parameters.code_challenge = await oidc.calculatePKCECodeChallenge(codeVerifier);
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
  };
  return { url, transaction };
}

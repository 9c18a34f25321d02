import type { Configuration } from 'openid-client';
import type { CallbackInput } from './authorization/callback.js';
import { type AuthorizationResult, completeAuthorization } from './authorization/complete.js';
import {
  type StartAuthorizationOptions,
  type StartedAuthorization,
  startAuthorization,
} from './authorization/start.js';
import { createConfiguration } from './configuration.js';
import { createDiagnosticSink } from './diagnostics/sink.js';
import type { NeverloseClientOptions } from './options.js';
import type { ProviderCache } from './provider-cache.js';
import type { AuthorizationTransaction } from './transaction/transaction.js';
import { resolveOptions } from './validate-options.js';

/** A configured Login with Neverlose client. Create it once at startup and share it. */
export interface NeverloseClient {
  /** The issuer transactions are bound to (`https://neverlose.cc` by default). */
  readonly issuer: string;
  /** The client id. */
  readonly clientId: string;
  /** The scopes requested. */
  readonly scopes: readonly string[];
  /**
   * The `redirectUri` option: where callbacks arrive, unless a login passes its own to
   * `startAuthorization`. `undefined` when the option was left out.
   */
  readonly redirectUri: string | undefined;
  /** `discovery`, or `static` when the `endpoints` option is used. */
  readonly mode: 'discovery' | 'static';
  /** How long a transaction is accepted, in milliseconds. */
  readonly transactionTtl: number;
  /** The underlying openid-client configuration, for what this package does not cover. */
  readonly configuration: Configuration;
  /**
   * Starts a login: returns the provider URL to redirect to, the transaction to keep until the
   * callback, and the browser binding, a secret only this browser may bring back: in an HttpOnly
   * cookie ({@link loginCookie}) with the transaction in a store keyed by it, in the browser's
   * server session beside the transaction, or sealed with it in a cookie. The transaction holds
   * only the binding's hash. Makes no request.
   *
   * @throws {NeverloseOidcError} `ERR_RETURN_TO_INVALID`, `ERR_INVALID_OPTION`.
   * @example
   * ```ts
   * const { url, transaction, binding } = await client.startAuthorization({ returnTo: '/settings' });
   * await store.set(binding, transaction, client.transactionTtl);
   * const cookie = loginCookie(transaction.redirectUri, transaction.state);
   * const headers = new Headers({ location: url.href, 'set-cookie': cookie.set(binding, 600) });
   * return new Response(null, { status: 302, headers });
   * ```
   * @see {@link https://www.rfc-editor.org/rfc/rfc9700#section-4.7 RFC 9700 §4.7 (login CSRF)}
   */
  startAuthorization(options?: StartAuthorizationOptions): Promise<StartedAuthorization>;
  /**
   * Completes a login from the callback, its transaction and the binding the browser brought
   * back: checks that the binding is the transaction's (the callback comes from the browser that
   * started the login), checks the callback (`iss`, `state`, the provider's error), exchanges the
   * code with the PKCE verifier, checks the id_token (`iss`, `aud`, `exp`, `iat`, `nonce`,
   * `at_hash`, signature), fetches userinfo and checks that its `sub` is the id_token's.
   *
   * @param callback The callback URL, its path and query (`req.originalUrl`), or a `Request`.
   * @param transaction The transaction of this browser's login; `undefined` gives
   *   `ERR_TRANSACTION_MISSING`.
   * @param binding The binding this browser brought back (its login cookie, its session);
   *   `undefined` gives `ERR_TRANSACTION_MISSING`, another browser's `ERR_TRANSACTION_MISMATCH`.
   * @throws {NeverloseOidcError} See {@link NeverloseOidcErrorCode}.
   * @example
   * ```ts
   * const cookie = loginCookie(client.redirectUri!, callbackState(request));
   * const binding = cookie.read(request.headers.get('cookie'));
   * const tx = binding === undefined ? undefined : await store.take(binding);
   * const { profile, returnTo } = await client.completeAuthorization(request, tx, binding);
   * ```
   */
  completeAuthorization(
    callback: CallbackInput,
    transaction: AuthorizationTransaction | null | undefined,
    binding: string | undefined,
  ): Promise<AuthorizationResult>;
  /**
   * What this client learned from the provider (its discovery document, its JWK Set once fetched),
   * as plain JSON for the `providerCache` option of the next `createNeverloseClient`: a Worker or
   * a Lambda keeps it in its store and makes no discovery or JWK Set request on a cold start.
   * Export it after a login, when the keys are there, and again when they changed (a rotation).
   *
   * @example
   * ```ts
   * ctx.waitUntil(env.KV.put('neverlose-provider', JSON.stringify(client.exportProviderCache())));
   * ```
   */
  exportProviderCache(): ProviderCache;
}

/**
 * Creates a Login with Neverlose client. Validates every option, then reads the discovery
 * document (`https://neverlose.cc/.well-known/openid-configuration` by default) or uses the
 * static `endpoints`.
 *
 * @throws {NeverloseOidcError} `ERR_INVALID_OPTION` naming the bad option; `ERR_DISCOVERY_FAILED`,
 *   `ERR_NETWORK` or `ERR_TIMEOUT` when discovery fails.
 * @example
 * ```ts
 * const client = await createNeverloseClient({
 *   clientId: process.env.NEVERLOSE_CLIENT_ID!,
 *   clientSecret: process.env.NEVERLOSE_CLIENT_SECRET,
 *   redirectUri: 'https://app.example/auth/neverlose/callback',
 * });
 * ```
 * @see {@link https://openid.net/specs/openid-connect-core-1_0.html#CodeFlowAuth OIDC Core §3.1}
 */
export async function createNeverloseClient(
  options: NeverloseClientOptions,
): Promise<NeverloseClient> {
  const resolved = resolveOptions(options);
  const events = createDiagnosticSink(resolved, resolved.onDiagnostic);
  const provider = await createConfiguration(resolved, events);
  return Object.freeze({
    issuer: provider.issuer,
    clientId: resolved.clientId,
    scopes: resolved.scopes,
    redirectUri: resolved.redirectUri,
    mode: provider.mode,
    transactionTtl: resolved.transactionTtl,
    configuration: provider.config,
    startAuthorization: (request?: StartAuthorizationOptions) =>
      startAuthorization(provider, resolved, request),
    completeAuthorization: (
      callback: CallbackInput,
      transaction: AuthorizationTransaction | null | undefined,
      binding: string | undefined,
    ) => completeAuthorization(provider, resolved.clientId, callback, transaction, binding),
    exportProviderCache: (): ProviderCache => {
      const jwks = provider.keys?.exported();
      return {
        v: 1,
        issuer: provider.issuer,
        ...(provider.mode === 'discovery'
          ? { discovery: structuredClone({ ...provider.config.serverMetadata() }) }
          : {}),
        ...(jwks === undefined ? {} : { jwks }),
      };
    },
  });
}

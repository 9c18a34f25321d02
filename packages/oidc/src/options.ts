import type { NeverloseOidcDiagnostic } from './diagnostics/records.js';
import type { ProviderCache } from './provider-cache.js';

/** How the client authenticates at the token endpoint (RFC 6749 §2.3, OIDC Core §9). */
export type ClientAuthenticationMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

/** A `fetch` implementation: the global one, undici's, or a test double. */
export type FetchImplementation = (
  input: string | URL | Request,
  init?: RequestInit,
) => Promise<Response>;

/**
 * The provider's endpoints, given by hand instead of discovery (the provider's April 2025 docs).
 * See {@link LEGACY_ENDPOINTS}.
 */
export interface StaticEndpoints {
  /** The authorization endpoint, absolute `https:` URL. */
  readonly authorization: string;
  /** The token endpoint, absolute `https:` URL. */
  readonly token: string;
  /** The userinfo endpoint (`oidc_userinfo` in the earlier docs), absolute `https:` URL. */
  readonly userinfo: string;
  /**
   * The JWK Set URL. Give it only if this provider issues id_tokens: a nonce is then sent and an
   * id_token required and verified. Without it no id_token is expected and no nonce is sent; an
   * id_token that comes anyway is ignored, since it cannot be verified.
   *
   * @defaultValue absent: no id_token, as in the April 2025 docs
   */
  readonly jwks?: string;
}

/** Options of {@link createNeverloseClient}. */
export interface NeverloseClientOptions {
  /**
   * The client id Neverlose issued to your app (by support ticket).
   *
   * @example `'my-app'`
   * @see {@link https://www.rfc-editor.org/rfc/rfc6749#section-2.2 RFC 6749 §2.2}
   */
  readonly clientId: string;
  /**
   * The client secret. Leave it out for a public client (then `clientAuthentication` is `none`).
   * Keep it out of browsers and logs.
   *
   * @defaultValue absent: a public client
   * @example `process.env.NEVERLOSE_CLIENT_SECRET`
   * @see {@link https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1 RFC 6749 §2.3.1}
   */
  readonly clientSecret?: string;
  /**
   * The absolute redirect URI registered with Neverlose, where the callback arrives. `https:`,
   * or `http:` on a loopback host (`localhost`, `127.0.0.1`, `[::1]`). It may be left out only
   * if every {@link NeverloseClient.startAuthorization} call passes its own `redirectUri`.
   *
   * @example `'https://app.example/auth/neverlose/callback'`
   * @see {@link https://www.rfc-editor.org/rfc/rfc6749#section-3.1.2 RFC 6749 §3.1.2}
   */
  readonly redirectUri?: string;
  /**
   * The scopes to request. Must include `openid`: without it Neverlose gives no identity. Add
   * `no_state` or `no_pkce` only if you mean to drop those protections (the provider allows
   * `no_pkce` only to clients it permits); this package never drops them on its own.
   *
   * @defaultValue `['openid', 'profile', 'email']`
   * @example `['openid', 'profile']`
   * @see {@link https://openid.net/specs/openid-connect-core-1_0.html#ScopeClaims OIDC Core §5.4}
   */
  readonly scopes?: readonly string[];
  /**
   * The issuer to discover (`<issuer>/.well-known/openid-configuration`). The discovery
   * document's `issuer` must equal it. In static-endpoint mode it is the expected `iss` of the
   * callback parameter and of any id_token.
   *
   * @defaultValue `'https://neverlose.cc'`
   * @see {@link https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig OIDC Discovery §4}
   */
  readonly issuer?: string;
  /**
   * Static endpoints instead of discovery, for deployments set up from the April 2025 docs.
   * No discovery request is made.
   *
   * @defaultValue absent: discovery
   * @example `LEGACY_ENDPOINTS`
   */
  readonly endpoints?: StaticEndpoints;
  /**
   * How the client authenticates at the token endpoint.
   *
   * @defaultValue `'none'` without a secret; with one, `'client_secret_basic'` unless discovery
   *   lists only `client_secret_post` (static mode: `'client_secret_basic'`)
   * @example `'client_secret_post'`
   * @see {@link https://openid.net/specs/openid-connect-core-1_0.html#ClientAuthentication OIDC Core §9}
   */
  readonly clientAuthentication?: ClientAuthenticationMethod;
  /**
   * Timeout of each request to the provider (discovery, token, userinfo, JWKS), in milliseconds.
   * A request that takes longer fails with `ERR_TIMEOUT`.
   *
   * @defaultValue `10000`
   * @example `5000`
   */
  readonly timeout?: number;
  /**
   * How long a transaction stays valid after `startAuthorization`, in milliseconds.
   *
   * @defaultValue `600000` (10 minutes)
   * @example `300000`
   */
  readonly transactionTtl?: number;
  /**
   * The `fetch` used for every request to the provider: for proxies, tracing or tests.
   *
   * @defaultValue `globalThis.fetch`
   * @example `(url, init) => fetch(url, { ...init, dispatcher: proxyAgent })`
   */
  readonly fetch?: FetchImplementation;
  /**
   * Allow plain-`http:` issuer, endpoints and redirect URIs. For a local provider during
   * development only: on a network it hands codes and tokens to anyone on the path.
   *
   * @defaultValue `false`
   * @example `process.env.NODE_ENV === 'development'`
   * @see {@link https://www.rfc-editor.org/rfc/rfc6749#section-10.5 RFC 6749 §10.5}
   */
  readonly dangerouslyAllowInsecureHttp?: boolean;
  /**
   * Called with every diagnostic of this client: discovery, each login's start, callback, token
   * exchange (duration, HTTP status), JWK Set fetches, userinfo, and every failure with its code.
   * Events hold no secret (no client secret, code, verifier, state, nonce, token or cookie); a
   * login is identified by `stateHash`. A hook that throws or rejects is ignored. The same events
   * go to the `neverlose-oidc` diagnostics channel (Node) and, with `NODE_DEBUG=neverlose-oidc`,
   * to stderr, one line each.
   *
   * @defaultValue absent
   * @example `(diagnostic) => logger.debug(diagnostic)`
   */
  readonly onDiagnostic?: (diagnostic: NeverloseOidcDiagnostic) => void;
  /**
   * What an earlier client learned from the provider (`client.exportProviderCache()`): with it, no
   * discovery request is made, and no JWK Set request while its keys are younger than 5 minutes.
   * For a serverless cold start (a Worker, a Lambda): keep the export in the platform's store and
   * pass it back. It is checked on the way in as a fetched document is (issuer, `https:`
   * endpoints, S256, `jwks_uri`; public keys only), else `ERR_INVALID_OPTION` names the rule. A key
   * rotation still works: an id_token signed with a key the cached set does not hold fetches it.
   *
   * Only trusted code may write it: its keys verify id_tokens.
   *
   * @defaultValue absent: discovery and the JWK Set are fetched
   * @example `JSON.parse(await env.KV.get('neverlose-provider') ?? 'null') ?? undefined`
   */
  readonly providerCache?: ProviderCache;
}

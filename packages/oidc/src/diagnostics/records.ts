import type { NeverloseOidcErrorCode } from '../errors.js';

/**
 * What every event carries. Events never hold a secret: no client secret, authorization code,
 * PKCE verifier, state, nonce, access token, id_token or cookie. A login is identified by
 * `stateHash`, a short hash of its `state`.
 */
export interface NeverloseOidcDiagnosticBase {
  /** When the event happened, in milliseconds since the epoch. */
  readonly timestamp: number;
  /** The issuer of the client that emitted it. */
  readonly issuer: string;
  /** The client id of the client that emitted it. */
  readonly clientId: string;
}

/**
 * The first 12 characters of the base64url SHA-256 of a login's `state` (72 bits): the same for
 * every event of one login, so that its start, callback, token exchange and userinfo can be put
 * together into one span; the `state` itself cannot be recovered from it. Absent for a login
 * without `state` (the `no_state` scope).
 */
export type StateHash = string;

/** The provider's configuration was read (`mode: 'discovery'`) or built from static endpoints. */
export interface OidcDiscoveryDiagnostic extends NeverloseOidcDiagnosticBase {
  readonly type: 'oidc:discovery';
  readonly mode: 'discovery' | 'static';
  /** How long discovery took, in milliseconds (0 in static mode or from a cache: no request). */
  readonly durationMs: number;
  /** The HTTP status of the discovery document (absent in static mode and from a cache). */
  readonly status?: number;
  /** True when the document came from the `providerCache` option: no request was made. */
  readonly cached?: boolean;
}

/** `startAuthorization` created a transaction and the URL to send the browser to. */
export interface OidcAuthorizationStartedDiagnostic extends NeverloseOidcDiagnosticBase {
  readonly type: 'oidc:authorization-started';
  readonly stateHash?: StateHash;
  /** The redirect URI the callback will arrive at. */
  readonly redirectUri: string;
  /** The scopes requested, space-separated. */
  readonly scope: string;
  /** Whether PKCE (S256) is used: false only with the `no_pkce` scope. */
  readonly pkce: boolean;
  /** Whether a `returnTo` was kept (its value is not in the event). */
  readonly returnTo: boolean;
}

/** A callback passed every check made before a request: `iss`, `state`, no error, a `code`. */
export interface OidcCallbackDiagnostic extends NeverloseOidcDiagnosticBase {
  readonly type: 'oidc:callback';
  readonly stateHash?: StateHash;
  /** How long ago the login started, in milliseconds. */
  readonly transactionAgeMs: number;
}

/** The token endpoint exchanged the code, and the id_token passed its checks. */
export interface OidcTokenDiagnostic extends NeverloseOidcDiagnosticBase {
  readonly type: 'oidc:token';
  readonly stateHash?: StateHash;
  /** How long the exchange and the id_token checks took, in milliseconds. */
  readonly durationMs: number;
  /** The HTTP status of the token response. */
  readonly status: number;
  /** Whether an id_token came and was checked. */
  readonly idToken: boolean;
  /** The access token's lifetime in seconds, when the provider said. */
  readonly expiresIn?: number;
}

/** The provider's JWK Set was fetched, to check an id_token signature. */
export interface OidcJwksDiagnostic extends NeverloseOidcDiagnosticBase {
  readonly type: 'oidc:jwks';
  /**
   * Why: `first-use`; `expired` (older than 5 minutes); or `unknown-kid`, an id_token signed
   * with a key the cached set does not hold (a key rotation), at most once per 10 seconds.
   */
  readonly reason: 'first-use' | 'expired' | 'unknown-kid';
  readonly durationMs: number;
  /** The HTTP status, absent when no answer came. */
  readonly status?: number;
}

/** The userinfo endpoint answered and its `sub` is the id_token's. */
export interface OidcUserinfoDiagnostic extends NeverloseOidcDiagnosticBase {
  readonly type: 'oidc:userinfo';
  readonly stateHash?: StateHash;
  readonly durationMs: number;
  /** The HTTP status of the userinfo response. */
  readonly status: number;
}

/** A step failed, with the code of the error thrown. */
export interface OidcFailedDiagnostic extends NeverloseOidcDiagnosticBase {
  readonly type: 'oidc:failed';
  /** The step that failed. */
  readonly step: 'discovery' | 'authorization' | 'callback' | 'token' | 'userinfo';
  /** The `code` of the `NeverloseOidcError` thrown. */
  readonly code: NeverloseOidcErrorCode;
  /** Its message (values that came over the network are quoted and escaped). */
  readonly message: string;
  readonly stateHash?: StateHash;
  /** How long the step took before it failed, for the steps that make a request. */
  readonly durationMs?: number;
  /** The HTTP status of the provider's answer, when one came. */
  readonly status?: number;
  /** The OAuth `error` the provider sent, such as `invalid_grant` (its description is left out). */
  readonly oauthError?: string;
}

/**
 * Everything a client reports, to `onDiagnostic`, to the `neverlose-oidc` diagnostics channel and,
 * with `NODE_DEBUG=neverlose-oidc`, to stderr. Switch on `type`.
 *
 * @example
 * ```ts
 * const client = await createNeverloseClient({
 *   ...options,
 *   onDiagnostic(diagnostic) {
 *     if (diagnostic.type === 'oidc:failed') log.warn({ code: diagnostic.code, step: diagnostic.step });
 *     if (diagnostic.type === 'oidc:token') metrics.timing('neverlose.token', diagnostic.durationMs);
 *   },
 * });
 * ```
 */
export type NeverloseOidcDiagnostic =
  | OidcDiscoveryDiagnostic
  | OidcAuthorizationStartedDiagnostic
  | OidcCallbackDiagnostic
  | OidcTokenDiagnostic
  | OidcJwksDiagnostic
  | OidcUserinfoDiagnostic
  | OidcFailedDiagnostic;

/** The `type` of every {@link NeverloseOidcDiagnostic}. */
export type NeverloseOidcDiagnosticType = NeverloseOidcDiagnostic['type'];

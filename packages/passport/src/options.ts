import type { IncomingMessage } from 'node:http';
import type {
  ClientAuthenticationMethod,
  FetchImplementation,
  StaticEndpoints,
  TransactionStore,
} from 'neverlose-oidc';
import type { PassportNeverloseProfile } from './profile.js';

/** Options of {@link NeverloseStrategy}. Names follow passport-oauth2. */
export interface NeverloseStrategyOptions {
  /**
   * The client id Neverlose issued to your app.
   *
   * @example `process.env.NEVERLOSE_CLIENT_ID`
   * @see {@link https://www.rfc-editor.org/rfc/rfc6749#section-2.2 RFC 6749 §2.2}
   */
  readonly clientID: string;
  /**
   * The client secret; leave it out for a public client.
   *
   * @defaultValue absent: a public client
   * @example `process.env.NEVERLOSE_CLIENT_SECRET`
   */
  readonly clientSecret?: string;
  /**
   * The callback URL registered with Neverlose. Absolute (`https://app.example/auth/neverlose/callback`),
   * or a path (`/auth/neverlose/callback`) resolved against the request's host and protocol:
   * behind a TLS-terminating proxy, set `proxy` (or Express's `trust proxy`) so that the
   * protocol is read from `X-Forwarded-Proto`.
   *
   * @example `'/auth/neverlose/callback'`
   * @see {@link https://www.rfc-editor.org/rfc/rfc6749#section-3.1.2 RFC 6749 §3.1.2}
   */
  readonly callbackURL: string;
  /**
   * The scopes: an array or a space-separated string. Must include `openid`.
   *
   * @defaultValue `['openid', 'profile', 'email']`
   * @example `['openid', 'profile']`
   */
  readonly scope?: string | readonly string[];
  /**
   * The issuer to discover.
   *
   * @defaultValue `'https://neverlose.cc'`
   */
  readonly issuer?: string;
  /**
   * Static endpoints instead of discovery (the provider's April 2025 docs); see
   * `LEGACY_ENDPOINTS` of neverlose-oidc. No id_token is expected then.
   *
   * @defaultValue absent: discovery
   */
  readonly endpoints?: StaticEndpoints;
  /**
   * How the client authenticates at the token endpoint.
   *
   * @defaultValue as in neverlose-oidc: `client_secret_basic` with a secret, `none` without
   */
  readonly clientAuthentication?: ClientAuthenticationMethod;
  /**
   * Timeout of each request to the provider, in milliseconds.
   *
   * @defaultValue `10000`
   */
  readonly timeout?: number;
  /**
   * How long a login may take between the redirect and the callback, in milliseconds.
   *
   * @defaultValue `600000` (10 minutes)
   */
  readonly transactionTtl?: number;
  /**
   * The `fetch` used for requests to the provider.
   *
   * @defaultValue `globalThis.fetch`
   */
  readonly fetch?: FetchImplementation;
  /**
   * Allow plain-`http:` provider endpoints and callback URLs. Local development only.
   *
   * @defaultValue `false`
   */
  readonly dangerouslyAllowInsecureHttp?: boolean;
  /**
   * Where transactions wait for the callback. By default they live in `express-session`
   * (`req.session[sessionKey][state]`, at most 10 per session: an eleventh login drops the
   * session's oldest), and the session is saved before the redirect. Pass a shared store (Redis)
   * to keep them out of the session. A store that refuses a login with
   * `ERR_TRANSACTION_STORE_FULL` (a full `MemoryTransactionStore`) makes it fail with 503.
   *
   * @defaultValue the session
   * @example `new MemoryTransactionStore()`
   */
  readonly store?: TransactionStore;
  /**
   * The session field holding transactions, when `store` is not given.
   *
   * @defaultValue `'neverlose:transactions'`
   */
  readonly sessionKey?: string;
  /**
   * Call `verify` with the request first: `(req, accessToken, profile, done)`.
   *
   * @defaultValue `false`
   */
  readonly passReqToCallback?: boolean;
  /**
   * Trust `X-Forwarded-Proto` and `X-Forwarded-Host` when resolving a relative `callbackURL`.
   * Only behind a proxy that sets them: otherwise a client could choose the redirect host.
   *
   * @defaultValue `false`: Express's `req.protocol` and `Host` (which honour `trust proxy`)
   * @example `true`
   */
  readonly proxy?: boolean;
  /**
   * A query parameter of the login request to read `returnTo` from (`/auth/neverlose?next=/x`).
   * It must be a same-origin relative path, else the login fails with 400; it is kept
   * percent-encoded as printable ASCII (see `validateReturnTo` of neverlose-oidc).
   *
   * @defaultValue absent: only `passport.authenticate('neverlose', { returnTo })` sets it
   * @example `'returnTo'`
   */
  readonly returnToParam?: string;
}

/** `done` of a verify function: `done(null, user)`, `done(null, false, info)` or `done(err)`. */
export type VerifyCallback = (error?: unknown, user?: unknown, info?: unknown) => void;

/** The verify function: turn a Neverlose profile into your user. */
export type VerifyFunction = (
  accessToken: string,
  profile: PassportNeverloseProfile,
  done: VerifyCallback,
) => void;

/** The verify function when `passReqToCallback` is `true`. */
export type VerifyFunctionWithRequest<Req extends IncomingMessage = IncomingMessage> = (
  req: Req,
  accessToken: string,
  profile: PassportNeverloseProfile,
  done: VerifyCallback,
) => void;

/** Options of `passport.authenticate('neverlose', options)` this strategy reads. */
export interface NeverloseAuthenticateOptions {
  /**
   * Same-origin path to return to after login; comes back, percent-encoded as printable ASCII,
   * as `req.authInfo.returnTo`.
   */
  readonly returnTo?: string;
  /** Extra authorization parameters for this login, such as `{ prompt: 'consent' }`. */
  readonly authorizationParams?: Readonly<Record<string, string>>;
}

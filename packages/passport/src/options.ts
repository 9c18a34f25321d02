import type { IncomingMessage } from 'node:http';
import type { NeverloseClient, NeverloseClientOptions, TransactionStore } from 'neverlose-oidc';
import type { PassportNeverloseProfile } from './profile.js';

/** What the strategy does around the client. */
export interface NeverloseStrategyBehaviour {
  /**
   * Where transactions wait for the callback. By default they live in the session with their
   * browser binding (`req.session[sessionKey][state]`, at most 10 per session: an eleventh login
   * drops the session's oldest): express-session or @fastify/session, saved before the redirect,
   * or @fastify/secure-session, through its `get`/`set`, where they also take at most 2048 bytes
   * so that the cookie stays within what browsers keep.
   *
   * With a store (`MemoryTransactionStore`, neverlose-redis, neverlose-postgres), each transaction
   * is kept there under its browser binding, and the binding goes to the browser: in a login
   * cookie (`__Host-nl_login.<state>`, HttpOnly, on Express), or in the session where the strategy
   * cannot reach the response (Fastify). A store that refuses a login with
   * `ERR_TRANSACTION_STORE_FULL` makes it fail with 503.
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
   * Only behind a proxy that sets them: otherwise a client could choose the redirect host. The
   * redirect URI so resolved also decides the login cookie's `Secure` flag and `__Host-` prefix.
   * An absolute `callbackURL` (the app's public URL) needs neither.
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

/**
 * Options of {@link NeverloseStrategy}: the neverlose-oidc client, or the options to create it,
 * exactly as `createNeverloseClient` takes them (one source of truth, as openid-client's own
 * Passport strategy takes its `config`), and what the strategy itself does.
 *
 * @example
 * ```ts
 * new NeverloseStrategy(
 *   {
 *     client: { clientId: 'my-app', clientSecret: process.env.NEVERLOSE_CLIENT_SECRET },
 *     callbackURL: '/auth/neverlose/callback',
 *   },
 *   (accessToken, profile, done) => done(null, { id: profile.id }),
 * );
 * ```
 */
export interface NeverloseStrategyOptions extends NeverloseStrategyBehaviour {
  /**
   * A client made with `createNeverloseClient` (discovery already done), or its options: then the
   * client is created, with discovery, at the first login, and created again at the next login if
   * discovery failed. Its `onDiagnostic` sees every login of this strategy.
   *
   * @example `{ clientId: 'my-app', clientSecret: process.env.NEVERLOSE_CLIENT_SECRET }`
   * @example `await createNeverloseClient({ clientId: 'my-app', ... })`
   */
  readonly client: NeverloseClient | NeverloseClientOptions;
  /**
   * The callback URL registered with Neverlose, for every login. A path
   * (`/auth/neverlose/callback`) is resolved against each request's protocol and host: behind a
   * TLS-terminating proxy, set `proxy` (or Express's `trust proxy`) so that the protocol is read
   * from `X-Forwarded-Proto`. An absolute URL is used as it is.
   *
   * @defaultValue the client's `redirectUri` (then that option is required)
   * @example `'/auth/neverlose/callback'`
   * @see {@link https://www.rfc-editor.org/rfc/rfc6749#section-3.1.2 RFC 6749 §3.1.2}
   */
  readonly callbackURL?: string;
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

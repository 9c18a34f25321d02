import type { Context } from 'hono';
import type { NeverloseClient } from '../../client.js';
import type { NeverloseOidcErrorCode } from '../../errors.js';
import type { LoginFailureStatus } from '../../http-status.js';
import type { NeverloseProfile } from '../../profile.js';
import type { SealingSecret } from '../../transaction/sealed-cookie.js';
import type {
  MemorySessionRevocationStore,
  SessionRevocationStore,
} from '../shared/session-revocation-store.js';
import type { NeverloseSessionUser } from '../shared/session-user.js';

/** Variables the middleware sets on the Hono context. */
export interface NeverloseVariables {
  /** The signed-in user, or `undefined`. */
  neverloseUser: NeverloseSessionUser | undefined;
  /**
   * The token the sign-out form must post as `csrf` (or send as `x-csrf-token`); `undefined`
   * without a session.
   */
  neverloseCsrfToken: string | undefined;
  /** @internal Where {@link requireNeverloseUser} sends a visitor without a session (a URL). */
  neverloseLoginUrl: string;
}

/** The Hono environment of an app that mounts {@link neverloseAuth}. */
export interface NeverloseEnv {
  Variables: NeverloseVariables;
}

/** Why a login or sign-out did not complete, for {@link NeverloseHonoOptions.renderError}. */
export interface NeverloseFailure {
  /**
   * As `httpStatusOf` of the core answers the error: `400` a bad `returnTo` or request, or a
   * stale, replayed, forged or refused callback (`ERR_INVALID_GRANT`); `403` the user denied
   * access or must sign in first (`ERR_LOGIN_REQUIRED`), or a sign-out without its token; `502`
   * the provider or the network failed; `503` try again shortly
   * (`ERR_TEMPORARILY_UNAVAILABLE`), or the session revocations could not be read or written.
   */
  readonly status: LoginFailureStatus;
  /**
   * The error code (`ERR_ACCESS_DENIED`...), `ERR_CSRF` for a sign-out without its token, or
   * `ERR_SESSION_STORE` when {@link NeverloseHonoOptions.sessionRevocations} failed or did not
   * answer in time.
   */
  readonly code: NeverloseOidcErrorCode | 'ERR_CSRF' | 'ERR_SESSION_STORE';
  /** A message safe to show: it names no secret and echoes input only quoted. */
  readonly message: string;
  /** The error, for logging; absent for `ERR_CSRF`. */
  readonly error?: unknown;
}

/** A value given once, or read from the request context (Workers read secrets from `c.env`). */
export type PerContext<T> = T | ((c: Context) => T);

/** Options of {@link neverloseAuth}. */
export interface NeverloseHonoOptions {
  /**
   * The app's origin as browsers see it (`https://app.example`, the `PUBLIC_URL` of the
   * examples). It decides everything a request cannot be trusted with behind a TLS-terminating
   * proxy: the redirect URI (`publicUrl` + `callbackPath`, passed to every login whatever the
   * client's `redirectUri`), every redirect, and the cookies: on `https:` they are `Secure` and
   * named with the `__Host-` prefix (`__Host-nl_session`), so no sibling subdomain can set them.
   * Nothing is read from the request URL or its `Host`.
   *
   * @example `'https://app.example'`, or `(c) => c.env.PUBLIC_URL` on Workers
   */
  readonly publicUrl: PerContext<string>;
  /**
   * The Login with Neverlose client, or a function that creates it from the context. A function
   * is called on the first request that needs it (a Worker may not make requests at startup,
   * and reads its configuration from `c.env`); its result is kept, and a failure is retried by
   * the next request.
   *
   * @example `(c) => createNeverloseClient({ clientId: c.env.NEVERLOSE_CLIENT_ID, ... })`
   */
  readonly client: NeverloseClient | ((c: Context) => NeverloseClient | Promise<NeverloseClient>);
  /**
   * Seals the login-transaction and session cookies: at least 32 random bytes (see
   * `createSealedCookieCodec`), the same on every instance. Several, newest first, to rotate.
   *
   * @example `(c) => c.env.SESSION_SECRET`
   */
  readonly secret: PerContext<SealingSecret | readonly SealingSecret[]>;
  /**
   * Starts a login (GET), with an optional same-origin `returnTo` query parameter.
   *
   * @defaultValue `'/auth/neverlose'`
   */
  readonly loginPath?: string;
  /**
   * Where Neverlose sends the browser back: the path of the client's `redirectUri`.
   *
   * @defaultValue `'/auth/neverlose/callback'`
   */
  readonly callbackPath?: string;
  /**
   * Signs out (POST only, with the `csrf` form field or `x-csrf-token` header).
   *
   * @defaultValue `'/auth/neverlose/logout'`
   */
  readonly logoutPath?: string;
  /**
   * Where a login without `returnTo` ends.
   *
   * @defaultValue `'/'`
   */
  readonly afterLoginPath?: string;
  /**
   * Where a sign-out ends (303).
   *
   * @defaultValue `'/'`
   */
  readonly afterLogoutPath?: string;
  /**
   * How long a session lasts, in seconds. Signing in again starts a new one.
   *
   * @defaultValue `28800` (8 hours)
   */
  readonly sessionTtl?: number;
  /**
   * The session cookie's name.
   *
   * @defaultValue `'nl_session'`
   */
  readonly sessionCookie?: string;
  /**
   * Where signed-out sessions are remembered until they expire: signing out revokes the session,
   * so a copy of its cookie taken before (another tab, a stolen cookie) no longer opens. Several
   * instances must share one: `RedisSessionRevocationStore` (neverlose-redis/oidc),
   * `PostgresSessionRevocationStore` (neverlose-postgres/oidc) or your own (see
   * {@link SessionRevocationStore}); each call has 5 seconds to answer,
   * after which the request is answered 503 `ERR_SESSION_STORE` (never signed in by default).
   *
   * @defaultValue a {@link MemorySessionRevocationStore}: one instance only
   */
  readonly sessionRevocations?: SessionRevocationStore;
  /**
   * Decides who may sign in, and what the session keeps: return the session user, or `false` to
   * refuse (403 `ERR_ACCESS_DENIED`). Link or create your account here.
   *
   * @defaultValue keep the profile without its raw claims
   */
  readonly onLogin?: (
    profile: NeverloseProfile,
    c: Context,
  ) => NeverloseSessionUser | false | Promise<NeverloseSessionUser | false>;
  /**
   * Renders a failed login or sign-out. Log `failure.error` when `status` is 502.
   *
   * @defaultValue a plain-text answer with the status and message (`Retry-After: 10` on a 503)
   */
  readonly renderError?: (c: Context, failure: NeverloseFailure) => Response | Promise<Response>;
}

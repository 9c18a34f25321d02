import type { ServerResponse } from 'node:http';
import {
  type AuthorizationTransaction,
  loginCookie,
  NeverloseOidcError,
  type StartedAuthorization,
  type TransactionStore,
} from 'neverlose-oidc';
import type { StrategyRequest } from '../request-url.js';
import {
  isSessionLike,
  MISSING_SESSION_MESSAGE,
  type SessionLike,
  sessionLogins,
} from './session-logins.js';

/** The session key of a login started with the `no_state` scope. */
const NO_STATE_KEY = '-';

/** What the callback of a login brings back: the browser's binding and the transaction. */
export interface ReturnedLogin {
  readonly transaction: AuthorizationTransaction | undefined;
  readonly binding: string | undefined;
}

/**
 * @internal Where the strategy keeps a login between its start and its callback, bound to the
 * browser that started it, in one of three ways:
 *
 * - no `store`: the transaction and its binding in the session (the session cookie binds);
 * - a `store` and a response the strategy can write to (Express sets `req.res`): the transaction
 *   in the store under the binding, the binding in the login cookie;
 * - a `store` and no such response (Fastify: a strategy never sees the reply): the transaction in
 *   the store, the binding in the session.
 *
 * Whichever, the callback hands `completeAuthorization` a transaction and a binding, and the core
 * checks that they belong together.
 */
export interface PendingLogins {
  /** Keeps `started` until its callback, for `ttl` milliseconds. */
  keep(started: StartedAuthorization, ttl: number): Promise<void>;
  /**
   * Takes the login this callback ends (removed from where it was kept).
   *
   * @param redirectUri The redirect URI of this request's logins: it names the login cookie.
   */
  take(state: string | undefined, redirectUri: string): Promise<ReturnedLogin>;
  /** The session, when the login was kept in it: saved before the redirect. */
  readonly session: SessionLike | undefined;
}

/** The response of `req`, when the framework links it (Express's `req.res`). */
function responseOf(req: StrategyRequest): ServerResponse | undefined {
  const res = (req as { res?: Partial<ServerResponse> }).res;
  return typeof res?.setHeader === 'function' &&
    typeof res.getHeader === 'function' &&
    res.headersSent === false
    ? (res as ServerResponse)
    : undefined;
}

/** Adds a `Set-Cookie` header to those the response already has (express-session's, say). */
function appendCookie(res: ServerResponse, cookie: string): void {
  const current = res.getHeader('set-cookie');
  const list = current === undefined ? [] : Array.isArray(current) ? current : [String(current)];
  res.setHeader('set-cookie', [...list, cookie]);
}

/** @internal The {@link PendingLogins} of one request. */
export function pendingLogins(
  req: StrategyRequest,
  options: { readonly store: TransactionStore | undefined; readonly sessionKey: string },
): PendingLogins {
  const { store } = options;
  const res = store === undefined ? undefined : responseOf(req);
  if (store !== undefined && res !== undefined) {
    return {
      session: undefined,
      async keep({ transaction, binding }, ttl) {
        await store.set(binding, transaction, ttl);
        const cookie = loginCookie(transaction.redirectUri, transaction.state);
        appendCookie(res, cookie.set(binding, ttl / 1000));
      },
      async take(state, redirectUri) {
        const cookie = loginCookie(redirectUri, state);
        const binding = cookie.read(req.headers.cookie);
        // Used once, whatever happens next.
        appendCookie(res, cookie.clear());
        const transaction = binding === undefined ? undefined : await store.take(binding);
        return { transaction, binding };
      },
    };
  }

  const { session } = req;
  if (!isSessionLike(session)) {
    throw new NeverloseOidcError('ERR_MIDDLEWARE_MISSING', MISSING_SESSION_MESSAGE);
  }
  const logins = sessionLogins(session, options.sessionKey);
  return {
    session,
    async keep({ transaction, binding }, ttl) {
      if (store !== undefined) await store.set(binding, transaction, ttl);
      logins.keep(transaction.state ?? NO_STATE_KEY, {
        binding,
        ...(store === undefined ? { transaction } : {}),
        createdAt: transaction.createdAt,
        expiresAt: transaction.expiresAt,
      });
    },
    async take(state) {
      const login = logins.take(state ?? NO_STATE_KEY);
      const binding = login?.binding;
      if (store === undefined) return { transaction: login?.transaction, binding };
      return {
        transaction: binding === undefined ? undefined : await store.take(binding),
        binding,
      };
    },
  };
}

import type { AuthorizationTransaction, TransactionStore } from 'neverlose-oidc';

/** The part of an express-session session this store uses. */
export interface SessionLike {
  [key: string]: unknown;
  save(callback: (error?: unknown) => void): void;
}

/**
 * Transactions kept per session at most: one per open login tab. An eleventh login drops the
 * oldest of the same session, so a browser can only ever cancel its own pending logins.
 */
export const MAX_PER_SESSION = 10;

export const MISSING_SESSION_MESSAGE =
  'NeverloseStrategy keeps login transactions in req.session, and there is none. ' +
  'Did you forget to use express-session middleware? Mount app.use(session({ secret, resave: false, ' +
  'saveUninitialized: false })) before passport, or pass the `store` option.';

/**
 * @internal A {@link TransactionStore} over one request's session: `session[key][state]`.
 * Bounded per session. `take` deletes the entry, so a callback replayed after the first one was
 * saved finds nothing; two racing copies of one callback are stopped by the provider, which
 * exchanges a code once.
 */
export function sessionStore(session: SessionLike, key: string): TransactionStore {
  const entries = (): Record<string, AuthorizationTransaction> => {
    const current = session[key];
    if (typeof current === 'object' && current !== null && !Array.isArray(current)) {
      return current as Record<string, AuthorizationTransaction>;
    }
    const created: Record<string, AuthorizationTransaction> = {};
    session[key] = created;
    return created;
  };
  return {
    async set(state, transaction) {
      const all = entries();
      const now = Date.now();
      for (const [other, tx] of Object.entries(all)) {
        if (typeof tx?.expiresAt !== 'number' || tx.expiresAt <= now) delete all[other];
      }
      const byAge = Object.entries(all).sort(([, a], [, b]) => a.createdAt - b.createdAt);
      for (const [oldest] of byAge.slice(0, Math.max(0, byAge.length - MAX_PER_SESSION + 1))) {
        delete all[oldest];
      }
      all[state] = transaction;
    },
    async take(state) {
      const all = entries();
      if (!Object.hasOwn(all, state)) return undefined;
      const tx = all[state];
      delete all[state];
      if (Object.keys(all).length === 0) delete session[key];
      return tx;
    },
  };
}

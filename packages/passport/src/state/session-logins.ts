import type { AuthorizationTransaction } from 'neverlose-oidc';

/**
 * The part of a session this module uses, in either shape a Passport-compatible session has:
 * values as properties and a `save(callback)` (express-session; @fastify/session, which also has
 * `get`/`set`), or values through `get`/`set` and no `save` (@fastify/secure-session, which keeps
 * the whole session in an encrypted cookie and writes it into the response only when `set` marks
 * a change).
 */
export interface SessionLike {
  [key: string]: unknown;
  get?(key: string): unknown;
  set?(key: string, value: unknown): void;
  save?(callback: (error?: unknown) => void): void;
}

/**
 * A login waiting in the session for its callback: its browser binding, and its transaction when
 * the session keeps it too (no `store` option).
 */
export interface SessionLogin {
  readonly binding: string;
  readonly transaction?: AuthorizationTransaction;
  readonly createdAt: number;
  readonly expiresAt: number;
}

/**
 * Logins kept per session at most: one per open login tab. An eleventh login drops the oldest of
 * the same session, so a browser can only ever cancel its own pending logins.
 */
export const MAX_PER_SESSION = 10;

/**
 * The most a session without `save()` (a cookie session: @fastify/secure-session) holds of
 * pending logins, in bytes of JSON; the oldest go first, the newest always stays. Browsers keep
 * cookies of 4096 bytes (RFC 6265 §6.1) and drop a longer one without a word, and an encrypted
 * cookie is a third longer than its JSON: seven pending logins of about 500 bytes each would lose
 * the session's next change, so a page that opens the login route a few times could make the next
 * login fail. 2048 bytes leave room for the signed-in user.
 */
export const MAX_COOKIE_SESSION_BYTES = 2048;

export const MISSING_SESSION_MESSAGE =
  'NeverloseStrategy keeps each login in req.session until its callback, and there is none. ' +
  'Did you forget to use express-session middleware? Mount app.use(session({ secret, resave: false, ' +
  'saveUninitialized: false })) before passport (on Fastify, register @fastify/session or ' +
  '@fastify/secure-session before @fastify/passport), or pass the `store` option (on Express).';

/** True for a session this module can use: `get` and `set`, or `save`. */
export function isSessionLike(value: unknown): value is SessionLike {
  if (typeof value !== 'object' || value === null) return false;
  const { get, set, save } = value as SessionLike;
  return (typeof get === 'function' && typeof set === 'function') || typeof save === 'function';
}

type Entries = Record<string, SessionLogin>;

/** @internal The pending logins of one request's session: `session[key][state]`. */
export interface SessionLogins {
  /** Keeps `login` under `state`, dropping expired ones and the oldest past the bounds. */
  keep(state: string, login: SessionLogin): void;
  /** The login kept under `state`, removed from the session, or `undefined`. */
  take(state: string): SessionLogin | undefined;
}

/**
 * @internal The logins of one request's session: `session[key][state]`. Bounded per session.
 * `take` deletes the entry, so a callback replayed after the first one was saved finds nothing;
 * two racing copies of one callback are stopped by the provider, which exchanges a code once.
 * Every change goes through `set` when the session has one, which is how a cookie session learns
 * it must be written again.
 */
export function sessionLogins(session: SessionLike, key: string): SessionLogins {
  const accessors = typeof session.get === 'function' && typeof session.set === 'function';
  const inCookie = typeof session.save !== 'function';
  const read = (): Entries => {
    const current = accessors ? session.get?.(key) : session[key];
    return typeof current === 'object' && current !== null && !Array.isArray(current)
      ? { ...(current as Entries) }
      : {};
  };
  const write = (entries: Entries): void => {
    const value = Object.keys(entries).length === 0 ? undefined : entries;
    if (accessors) session.set?.(key, value);
    else if (value === undefined) delete session[key];
    else session[key] = value;
  };
  return {
    keep(state, login) {
      const all = read();
      const now = Date.now();
      for (const [other, entry] of Object.entries(all)) {
        if (typeof entry?.expiresAt !== 'number' || entry.expiresAt <= now) delete all[other];
      }
      const byAge = Object.entries(all).sort(([, a], [, b]) => a.createdAt - b.createdAt);
      for (const [oldest] of byAge.slice(0, Math.max(0, byAge.length - MAX_PER_SESSION + 1))) {
        delete all[oldest];
      }
      all[state] = login;
      for (const [oldest] of inCookie ? byAge : []) {
        if (JSON.stringify(all).length <= MAX_COOKIE_SESSION_BYTES) break;
        delete all[oldest];
      }
      write(all);
    },
    take(state) {
      const all = read();
      if (!Object.hasOwn(all, state)) return undefined;
      const login = all[state];
      delete all[state];
      write(all);
      return typeof login?.binding === 'string' ? login : undefined;
    },
  };
}

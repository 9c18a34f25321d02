import { createHash, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { EncryptJWT, jwtDecrypt } from 'jose';
import type { NeverloseProfile } from 'neverlose-oidc';

/** What the app keeps of a signed-in user, sealed in a cookie: there is no server session. */
export interface SessionUser {
  readonly id: string;
  readonly username?: string;
  readonly email?: string;
  readonly avatarUrl?: string;
  readonly registrationDate?: string;
  /** The logout form's token: a cross-site form cannot know it. */
  readonly csrf: string;
}

/** An open session: the user, and what logging out needs to revoke it. */
export interface Session {
  readonly user: SessionUser;
  /** Random, unique per sign-in (the JWT `jti`). */
  readonly id: string;
  /** When the cookie was sealed, in milliseconds since the epoch (from `iat`). */
  readonly issuedAt: number;
  /** When the cookie stops opening anyway, in milliseconds since the epoch (from `exp`). */
  readonly expiresAt: number;
}

/**
 * Sessions logged out before they expire. A sealed cookie cannot be taken back from the browser
 * (or from whoever copied it), so logging out puts its id here until it would have expired.
 *
 * Every instance of the app must see the same revocations: with several, back this with a shared
 * store (Redis: `SET <prefix><id> 1 PXAT <expiresAt>` to revoke, `EXISTS` to check).
 */
export interface SessionRevocations {
  /** Refuses the session from now until `expiresAt` (milliseconds since the epoch). */
  revoke(id: string, expiresAt: number): Promise<void> | void;
  /** True when the session was revoked. */
  isRevoked(session: Session): Promise<boolean> | boolean;
}

/**
 * Revocations in this process's memory: enough for one instance. Bounded: entries leave when
 * their session expires, and when `maxEntries` live ones are held, every session sealed until now
 * is refused instead (everyone signs in again; no revoked cookie ever opens).
 */
export class MemorySessionRevocations implements SessionRevocations {
  readonly #revoked = new Map<string, number>();
  readonly #maxEntries: number;
  readonly #now: () => number;
  /** Sessions sealed before this instant are refused (set when the map overflows). */
  #notBefore = 0;

  constructor(options: { maxEntries?: number; now?: () => number } = {}) {
    this.#maxEntries = options.maxEntries ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  revoke(id: string, expiresAt: number): void {
    const now = this.#now();
    if (this.#revoked.size >= this.#maxEntries) {
      for (const [key, expiry] of this.#revoked) if (expiry <= now) this.#revoked.delete(key);
    }
    if (this.#revoked.size >= this.#maxEntries) {
      this.#revoked.clear();
      this.#notBefore = now + 1;
      return;
    }
    this.#revoked.set(id, expiresAt);
  }

  isRevoked(session: Session): boolean {
    return session.issuedAt < this.#notBefore || this.#revoked.has(session.id);
  }
}

/** Seals and opens the session cookie (JWE, dir + A256GCM, with expiry and an id). */
export interface SessionCodec {
  seal(user: SessionUser): Promise<string>;
  /** The session, or `undefined` for an absent, altered, foreign, expired or revoked cookie. */
  open(value: string | undefined): Promise<Session | undefined>;
  /** Logs a session out: its cookie no longer opens, wherever it was copied. */
  revoke(session: Session): Promise<void>;
}

/** Sessions last this long; signing in again starts a new one. */
export const SESSION_SECONDS = 8 * 3600;

export function createSessionCodec(
  secret: string,
  revocations: SessionRevocations = new MemorySessionRevocations(),
): SessionCodec {
  // Its own key, derived under its own label: the login-transaction cookies use another.
  const key = new Uint8Array(
    hkdfSync('sha256', secret, new Uint8Array(0), 'web-standard session v1', 32),
  );
  return {
    seal: (user) =>
      new EncryptJWT({ user })
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
        .setJti(randomBytes(16).toString('base64url'))
        .setIssuedAt()
        .setExpirationTime(`${SESSION_SECONDS}s`)
        .encrypt(key),
    async open(value) {
      if (value === undefined || value === '') return undefined;
      let session: Session;
      try {
        const { payload } = await jwtDecrypt(value, key, {
          keyManagementAlgorithms: ['dir'],
          contentEncryptionAlgorithms: ['A256GCM'],
          requiredClaims: ['jti', 'iat', 'exp'],
        });
        const user = payload['user'] as SessionUser | undefined;
        if (!(user && typeof user.id === 'string' && typeof user.csrf === 'string'))
          return undefined;
        session = {
          user,
          id: payload.jti as string,
          issuedAt: (payload.iat as number) * 1000,
          expiresAt: (payload.exp as number) * 1000,
        };
      } catch {
        return undefined;
      }
      return (await revocations.isRevoked(session)) ? undefined : session;
    },
    revoke: async (session) => {
      await revocations.revoke(session.id, session.expiresAt);
    },
  };
}

/** Compares a submitted CSRF token with the session's, in constant time whatever the lengths. */
export function csrfMatches(sent: string | null, expected: string): boolean {
  if (sent === null) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(sent), digest(expected)) && sent === expected;
}

/** The session of a freshly signed-in user. */
export function sessionUser(profile: NeverloseProfile): SessionUser {
  return {
    id: profile.id,
    ...(profile.username === undefined ? {} : { username: profile.username }),
    ...(profile.email === undefined ? {} : { email: profile.email }),
    ...(profile.avatarUrl === undefined ? {} : { avatarUrl: profile.avatarUrl }),
    ...(profile.registrationDate === undefined
      ? {}
      : { registrationDate: profile.registrationDate }),
    csrf: randomBytes(24).toString('base64url'),
  };
}

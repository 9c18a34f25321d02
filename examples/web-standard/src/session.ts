import { createHash, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { EncryptJWT, jwtDecrypt } from 'jose';
import {
  MemorySessionRevocationStore,
  type NeverloseProfile,
  type SessionRevocationStore,
} from 'neverlose-oidc';

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

/**
 * The session codec of `secret`. Logged-out sessions are kept in `revocations` until they would
 * have expired (neverlose-oidc's `MemorySessionRevocationStore` by default: one instance only).
 */
export function createSessionCodec(
  secret: string,
  revocations: SessionRevocationStore = new MemorySessionRevocationStore(),
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
      return (await revocations.isRevoked(session.id, session.issuedAt)) ? undefined : session;
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

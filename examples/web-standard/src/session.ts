import { hkdfSync, randomBytes } from 'node:crypto';
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

/** Seals and opens the session cookie (JWE, dir + A256GCM, with expiry). */
export interface SessionCodec {
  seal(user: SessionUser): Promise<string>;
  /** The user, or `undefined` for an absent, altered, foreign or expired cookie. */
  open(value: string | undefined): Promise<SessionUser | undefined>;
}

/** Sessions last this long; signing in again starts a new one. */
export const SESSION_SECONDS = 8 * 3600;

export function createSessionCodec(secret: string): SessionCodec {
  // Its own key, derived under its own label: the login-transaction cookies use another.
  const key = new Uint8Array(
    hkdfSync('sha256', secret, new Uint8Array(0), 'web-standard session v1', 32),
  );
  return {
    seal: (user) =>
      new EncryptJWT({ user })
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
        .setIssuedAt()
        .setExpirationTime(`${SESSION_SECONDS}s`)
        .encrypt(key),
    async open(value) {
      if (value === undefined || value === '') return undefined;
      try {
        const { payload } = await jwtDecrypt(value, key, {
          keyManagementAlgorithms: ['dir'],
          contentEncryptionAlgorithms: ['A256GCM'],
        });
        const user = payload['user'] as SessionUser | undefined;
        return user && typeof user.id === 'string' && typeof user.csrf === 'string'
          ? user
          : undefined;
      } catch {
        return undefined;
      }
    },
  };
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

import { base64url } from 'jose';
import { createSealer } from '../../lib/sealing.js';
import type { SealingSecret } from '../../transaction/sealed-cookie.js';
import type { NeverloseSessionUser } from '../shared/session-user.js';

// The session travels in a cookie sealed as the login transaction is (the core's sealing, Web
// Crypto only), under its own label, hence its own key: a transaction cookie never opens as a
// session. What is the Hono middleware's own: the payload (the user and the sign-out token), its
// lifetime, and that a session that does not open is no session rather than an error.

const LABEL = 'neverlose-oidc hono session v1';
/** A value longer than a browser keeps in a cookie is not one this codec sealed. */
const MAX_SEALED_LENGTH = 4096;

/** @internal A signed-in session: the user and the token of the sign-out form. */
export interface HonoSession {
  readonly user: NeverloseSessionUser;
  readonly csrf: string;
}

/** @internal An opened session, with what signing out needs to revoke it. */
export interface OpenedSession extends HonoSession {
  /** Random, unique per sign-in. */
  readonly id: string;
  /** When it was sealed, in milliseconds since the epoch. */
  readonly issuedAt: number;
  /** When it stops opening anyway, in milliseconds since the epoch. */
  readonly expiresAt: number;
}

/** @internal Seals and opens session cookies with every configured secret, newest first. */
export interface SessionCodec {
  /** Seals a new session under a new random id. */
  seal(session: HonoSession, ttlSeconds: number): Promise<string>;
  /** The session, or `undefined` for an absent, altered, foreign or expired value. */
  open(value: string | undefined): Promise<OpenedSession | undefined>;
}

function isSession(value: unknown): value is HonoSession & { id: string } {
  if (typeof value !== 'object' || value === null) return false;
  const { user, csrf, id } = value as { user?: { id?: unknown }; csrf?: unknown; id?: unknown };
  return typeof csrf === 'string' && typeof id === 'string' && typeof user?.id === 'string';
}

/**
 * @internal The session codec of `secret` (one, or several newest first).
 *
 * @throws {NeverloseOidcError} `ERR_INVALID_OPTION` naming the secret and the rule it breaks.
 */
export function createSessionCodec(secret: SealingSecret | readonly SealingSecret[]): SessionCodec {
  const sealer = createSealer(secret, LABEL);
  return {
    seal(session, ttlSeconds) {
      const now = Date.now();
      const { user, csrf } = session;
      return sealer.seal(
        { session: { user, csrf, id: randomToken() } },
        now,
        now + ttlSeconds * 1000,
      );
    },
    async open(value) {
      if (value === undefined || value === '' || value.length > MAX_SEALED_LENGTH) return undefined;
      try {
        const { session, iat, exp } = await sealer.open(value, Date.now());
        if (!isSession(session) || typeof iat !== 'number' || typeof exp !== 'number') {
          return undefined;
        }
        return { ...session, issuedAt: iat * 1000, expiresAt: exp * 1000 };
      } catch {
        return undefined;
      }
    },
  };
}

/** @internal A random token for the sign-out form, base64url. */
export function randomToken(): string {
  return base64url.encode(crypto.getRandomValues(new Uint8Array(24)));
}

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

/** @internal Seals and opens session cookies with every configured secret, newest first. */
export interface SessionCodec {
  seal(session: HonoSession, ttlSeconds: number): Promise<string>;
  /** The session, or `undefined` for an absent, altered, foreign or expired value. */
  open(value: string | undefined): Promise<HonoSession | undefined>;
}

function isSession(value: unknown): value is HonoSession {
  if (typeof value !== 'object' || value === null) return false;
  const { user, csrf } = value as { user?: { id?: unknown }; csrf?: unknown };
  return typeof csrf === 'string' && typeof user?.id === 'string';
}

/**
 * @internal The session codec of `secret` (one, or several newest first).
 *
 * @throws {NeverloseOidcError} `ERR_CONFIGURATION` naming the secret and the rule it breaks.
 */
export function createSessionCodec(secret: SealingSecret | readonly SealingSecret[]): SessionCodec {
  const sealer = createSealer(secret, LABEL);
  return {
    seal(session, ttlSeconds) {
      const now = Date.now();
      return sealer.seal({ session }, now, now + ttlSeconds * 1000);
    },
    async open(value) {
      if (value === undefined || value === '' || value.length > MAX_SEALED_LENGTH) return undefined;
      try {
        const { session } = await sealer.open(value, Date.now());
        return isSession(session) ? session : undefined;
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

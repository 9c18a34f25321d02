import { base64url, EncryptJWT, jwtDecrypt } from 'jose';
import type { SealingSecret } from '../../transaction/sealed-cookie.js';
import type { NeverloseSessionUser } from '../shared/session-user.js';

// The login transaction travels in the core's sealed cookie; the session is another payload with
// another lifetime, so it has its own key (HKDF under its own label) and this small codec. Web
// Crypto only, so that the middleware runs on Workers and Bun as on Node.

const INFO = new TextEncoder().encode('neverlose-oidc hono session v1');

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

async function deriveKey(secret: SealingSecret): Promise<Uint8Array> {
  const bytes =
    typeof secret === 'string' ? new TextEncoder().encode(secret) : new Uint8Array(secret);
  const material = await crypto.subtle.importKey('raw', bytes, 'HKDF', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: INFO },
    material,
    256,
  );
  return new Uint8Array(bits);
}

function isSession(value: unknown): value is HonoSession {
  if (typeof value !== 'object' || value === null) return false;
  const { user, csrf } = value as { user?: { id?: unknown }; csrf?: unknown };
  return typeof csrf === 'string' && typeof user?.id === 'string';
}

/** @internal Secrets are checked by the core's codec first; this only derives keys. */
export function createSessionCodec(secrets: readonly SealingSecret[]): SessionCodec {
  let keys: Promise<Uint8Array[]> | undefined;
  const keysOf = () => {
    keys ??= Promise.all(secrets.map(deriveKey));
    return keys;
  };
  return {
    async seal(session, ttlSeconds) {
      const [key] = await keysOf();
      return new EncryptJWT({ session })
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .encrypt(key as Uint8Array);
    },
    async open(value) {
      if (value === undefined || value === '' || value.length > 4096) return undefined;
      for (const key of await keysOf()) {
        try {
          const { payload } = await jwtDecrypt(value, key, {
            keyManagementAlgorithms: ['dir'],
            contentEncryptionAlgorithms: ['A256GCM'],
          });
          return isSession(payload.session) ? payload.session : undefined;
        } catch (error) {
          if ((error as { code?: unknown }).code !== 'ERR_JWE_DECRYPTION_FAILED') return undefined;
        }
      }
      return undefined;
    },
  };
}

/** @internal A random token for the sign-out form, base64url. */
export function randomToken(): string {
  return base64url.encode(crypto.getRandomValues(new Uint8Array(24)));
}

import { hkdfSync } from 'node:crypto';
import { EncryptJWT, jwtDecrypt } from 'jose';
import { NeverloseOidcError } from '../errors.js';
import { type AuthorizationTransaction, assertTransaction } from './transaction.js';

/** Options of {@link createSealedCookieCodec}. */
export interface SealedCookieCodecOptions {
  /**
   * The sealing secret: at least 32 characters (or bytes) of randomness, the same on every
   * instance of the app. The encryption key is derived from it with HKDF-SHA-256.
   *
   * @example `process.env.LOGIN_COOKIE_SECRET` (generate with `openssl rand -base64 32`)
   * @see {@link https://www.rfc-editor.org/rfc/rfc5869 RFC 5869 (HKDF)}
   */
  readonly secret: string | Uint8Array;
  /**
   * The clock, in milliseconds since the epoch. For tests.
   *
   * @defaultValue `Date.now`
   */
  readonly now?: () => number;
}

/** Seals transactions into cookie values and opens them again. */
export interface SealedCookieCodec {
  /** Encrypts and authenticates `transaction`; the value expires with the transaction. */
  seal(transaction: AuthorizationTransaction): Promise<string>;
  /**
   * Opens a sealed value. Throws `ERR_TRANSACTION_EXPIRED` when it expired and
   * `ERR_TRANSACTION_MISSING` when it is absent, altered or sealed with another secret.
   */
  open(sealed: string | undefined): Promise<AuthorizationTransaction>;
}

const INFO = 'neverlose-oidc sealed transaction v1';

/**
 * A codec for apps with no server session: the transaction travels in a cookie, encrypted and
 * authenticated (JWE, `dir` + `A256GCM`) and carrying its expiry. Name the cookie after the state
 * ({@link sealedCookieName}) so that several tabs can log in at once, and set it `HttpOnly`,
 * `Secure`, `SameSite=Lax`, `Path` of the callback, `Max-Age` of the transaction lifetime.
 *
 * A sealed cookie can be replayed until it expires if the browser keeps it: delete it on the
 * callback, and keep the lifetime short.
 *
 * @example
 * ```ts
 * const codec = createSealedCookieCodec({ secret: process.env.LOGIN_COOKIE_SECRET! });
 * const { url, transaction } = await client.startAuthorization();
 * setCookie(sealedCookieName(transaction.state!), await codec.seal(transaction));
 * // on the callback:
 * const state = new URL(request.url).searchParams.get('state') ?? '';
 * const tx = await codec.open(getCookie(sealedCookieName(state)));
 * ```
 * @see {@link https://www.rfc-editor.org/rfc/rfc7516 RFC 7516 (JWE)}
 */
export function createSealedCookieCodec(options: SealedCookieCodecOptions): SealedCookieCodec {
  const secret = options?.secret;
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  if (!(bytes instanceof Uint8Array) || bytes.byteLength < 32) {
    throw new NeverloseOidcError(
      'ERR_CONFIGURATION',
      'Invalid option "secret": must be a string or bytes of at least 32 bytes.',
    );
  }
  const key = new Uint8Array(hkdfSync('sha256', bytes, new Uint8Array(0), INFO, 32));
  const now = options.now ?? Date.now;

  return {
    async seal(transaction) {
      assertTransaction(transaction);
      return new EncryptJWT({ tx: transaction })
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
        .setIssuedAt(Math.floor(now() / 1000))
        .setExpirationTime(Math.floor(transaction.expiresAt / 1000))
        .encrypt(key);
    },
    async open(sealed) {
      if (typeof sealed !== 'string' || sealed === '') {
        throw new NeverloseOidcError(
          'ERR_TRANSACTION_MISSING',
          'No login transaction cookie came with this callback.',
        );
      }
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtDecrypt(sealed, key, {
          keyManagementAlgorithms: ['dir'],
          contentEncryptionAlgorithms: ['A256GCM'],
          currentDate: new Date(now()),
          clockTolerance: 0,
        }));
      } catch (error) {
        if ((error as { code?: unknown }).code === 'ERR_JWT_EXPIRED') {
          throw new NeverloseOidcError(
            'ERR_TRANSACTION_EXPIRED',
            'The login transaction cookie expired: start the login again.',
            { cause: error },
          );
        }
        throw new NeverloseOidcError(
          'ERR_TRANSACTION_MISSING',
          'The login transaction cookie could not be opened (altered, or sealed with another secret).',
          { cause: error },
        );
      }
      const tx = payload.tx;
      assertTransaction(tx);
      return tx;
    },
  };
}

/**
 * The cookie name for the transaction of `state`: one cookie per login, so tabs do not collide.
 *
 * @defaultValue prefix `'nl_tx'`
 * @example `sealedCookieName(tx.state!)` is `'nl_tx.3q2-…'`
 */
export function sealedCookieName(state: string, prefix = 'nl_tx'): string {
  return `${prefix}.${state.replace(/[^A-Za-z0-9_-]/g, '')}`;
}

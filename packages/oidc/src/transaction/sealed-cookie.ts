import type { JWTPayload } from 'jose';
import { NeverloseOidcError } from '../errors.js';
import { createSealer } from '../lib/sealing.js';
import { type BoundTransaction, MISSING_BINDING_MESSAGE } from './binding.js';
import { assertTransaction } from './transaction.js';

/** A sealing secret: a string (its UTF-8 bytes) or bytes. */
export type SealingSecret = string | Uint8Array;

/** Options of {@link createSealedCookieCodec}. */
export interface SealedCookieCodecOptions {
  /**
   * The sealing secret, the same on every instance of the app; or several, newest first, to
   * rotate it: values are sealed with the first and opened with any. Put a new secret first,
   * and drop the old one once the transaction lifetime has passed. The encryption key of each
   * is derived with HKDF-SHA-256.
   *
   * Each secret must be at least 32 bytes long (a string counts its UTF-8 bytes) and look random:
   * it must not repeat a shorter sequence (`'changeme'.repeat(4)`), and its estimated entropy (the
   * Shannon entropy of its bytes, times their number) must reach 128 bits (`'a'.repeat(32)` has
   * 0). These catch placeholders, not every weak secret. 32 random bytes pass, as bytes or
   * encoded (base64, base64url, hex): generate one with `openssl rand -base64 32` or
   * `crypto.randomBytes(32).toString('base64url')`.
   *
   * @example `process.env.LOGIN_COOKIE_SECRET`
   * @example `[process.env.LOGIN_COOKIE_SECRET, process.env.LOGIN_COOKIE_SECRET_PREVIOUS]`
   * @see {@link https://www.rfc-editor.org/rfc/rfc5869 RFC 5869 (HKDF)}
   */
  readonly secret: SealingSecret | readonly SealingSecret[];
  /**
   * The clock, in milliseconds since the epoch. For tests.
   *
   * @defaultValue `Date.now`
   */
  readonly now?: () => number;
}

/** Seals a transaction and its browser binding into a cookie value, and opens them again. */
export interface SealedCookieCodec {
  /**
   * Encrypts and authenticates the transaction and its binding (what `startAuthorization`
   * returned) with the first secret; the value expires with the transaction. Throws
   * `ERR_COOKIE_TOO_LARGE` when the value would be longer than {@link MAX_SEALED_COOKIE_LENGTH},
   * which browsers might silently drop.
   */
  seal(login: BoundTransaction): Promise<string>;
  /**
   * Opens a sealed value with any of the secrets: the transaction and its binding, for
   * `completeAuthorization`. Throws `ERR_TRANSACTION_EXPIRED` when it expired and
   * `ERR_TRANSACTION_MISSING` when it is absent, altered or sealed with a secret that is not (or
   * no longer) configured.
   */
  open(sealed: string | undefined): Promise<BoundTransaction>;
}

/**
 * The longest sealed value {@link SealedCookieCodec.seal} returns, in characters (ASCII: bytes).
 * Browsers keep cookies of at least 4096 bytes counting name, value and attributes (RFC 6265
 * §6.1), and some drop a longer one without a word; this leaves 296 bytes for the name
 * (`__Host-nl_login.` and a 43-character state) and the attributes (`Max-Age=600; Path=/;
 * HttpOnly; SameSite=Lax; Secure`). A transaction with the longest `returnTo` (2048 characters)
 * fits.
 */
export const MAX_SEALED_COOKIE_LENGTH = 3800;

const LABEL = 'neverlose-oidc sealed transaction v1';

function configurationError(field: string, rule: string): NeverloseOidcError {
  return new NeverloseOidcError('ERR_INVALID_OPTION', `Invalid option "${field}": ${rule}.`);
}

/**
 * A codec for apps with no server session: the transaction and its browser binding travel in the
 * login cookie ({@link loginCookie}), encrypted and authenticated (JWE, `dir` + `A256GCM`) and
 * carrying their expiry. The cookie is named after the state, so that several tabs can log in at
 * once.
 *
 * A sealed cookie can be replayed until it expires if the browser keeps it: delete it on the
 * callback, and keep the lifetime short.
 *
 * @throws {NeverloseOidcError} `ERR_INVALID_OPTION` naming the secret and the rule it breaks.
 * @example
 * ```ts
 * const codec = createSealedCookieCodec({ secret: process.env.LOGIN_COOKIE_SECRET! });
 * const started = await client.startAuthorization();
 * const cookie = loginCookie(started.transaction.redirectUri, started.transaction.state);
 * headers.append('set-cookie', cookie.set(await codec.seal(started), client.transactionTtl / 1000));
 * // on the callback:
 * const cookie = loginCookie(client.redirectUri!, callbackState(request));
 * const { transaction, binding } = await codec.open(cookie.read(request.headers.get('cookie')));
 * await client.completeAuthorization(request, transaction, binding);
 * ```
 * @see {@link https://www.rfc-editor.org/rfc/rfc7516 RFC 7516 (JWE)}
 */
export function createSealedCookieCodec(options: SealedCookieCodecOptions): SealedCookieCodec {
  if (typeof options !== 'object' || options === null) {
    throw configurationError('options', 'must be an object');
  }
  const sealer = createSealer(options.secret, LABEL);
  const now = options.now ?? Date.now;

  const decrypt = async (sealed: string): Promise<JWTPayload> => {
    try {
      return await sealer.open(sealed, now());
    } catch (failure) {
      if ((failure as { code?: unknown }).code === 'ERR_JWT_EXPIRED') {
        throw new NeverloseOidcError(
          'ERR_TRANSACTION_EXPIRED',
          'The login transaction cookie expired: start the login again.',
          { cause: failure },
        );
      }
      throw new NeverloseOidcError(
        'ERR_TRANSACTION_MISSING',
        'The login transaction cookie could not be opened (altered, or sealed with a secret that is not configured).',
        { cause: failure },
      );
    }
  };

  return {
    async seal(login) {
      const { transaction, binding } = login ?? {};
      assertTransaction(transaction);
      if (typeof binding !== 'string' || binding === '') {
        throw new NeverloseOidcError(
          'ERR_INVALID_ARGUMENT',
          'Invalid argument of seal: "binding" must be the binding startAuthorization returned.',
        );
      }
      const sealed = await sealer.seal({ tx: transaction, binding }, now(), transaction.expiresAt);
      if (sealed.length > MAX_SEALED_COOKIE_LENGTH) {
        throw new NeverloseOidcError(
          'ERR_COOKIE_TOO_LARGE',
          `The sealed login transaction is ${sealed.length} characters long, more than the ${MAX_SEALED_COOKIE_LENGTH} a cookie can carry in every browser: shorten the redirectUri, the scopes or the returnTo.`,
        );
      }
      return sealed;
    },
    async open(sealed) {
      if (typeof sealed !== 'string' || sealed === '') {
        throw new NeverloseOidcError('ERR_TRANSACTION_MISSING', MISSING_BINDING_MESSAGE);
      }
      // A value longer than any seal returns is not one: no decryption is tried.
      if (sealed.length > MAX_SEALED_COOKIE_LENGTH) {
        throw new NeverloseOidcError(
          'ERR_TRANSACTION_MISSING',
          'The login transaction cookie could not be opened (longer than any sealed value).',
        );
      }
      const { tx, binding } = await decrypt(sealed);
      assertTransaction(tx);
      if (typeof binding !== 'string' || binding === '') {
        throw new NeverloseOidcError(
          'ERR_TRANSACTION_MISSING',
          'The login transaction cookie holds no browser binding.',
        );
      }
      return { transaction: tx, binding };
    },
  };
}

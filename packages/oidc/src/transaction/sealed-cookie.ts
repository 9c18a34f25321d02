import type { JWTPayload } from 'jose';
import { NeverloseOidcError } from '../errors.js';
import { createSealer } from '../lib/sealing.js';
import { type AuthorizationTransaction, assertTransaction } from './transaction.js';

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

/** Seals transactions into cookie values and opens them again. */
export interface SealedCookieCodec {
  /**
   * Encrypts and authenticates `transaction` with the first secret; the value expires with the
   * transaction. Throws `ERR_COOKIE_TOO_LARGE` when the value would be longer than
   * {@link MAX_SEALED_COOKIE_LENGTH}, which browsers might silently drop.
   */
  seal(transaction: AuthorizationTransaction): Promise<string>;
  /**
   * Opens a sealed value with any of the secrets. Throws `ERR_TRANSACTION_EXPIRED` when it
   * expired and `ERR_TRANSACTION_MISSING` when it is absent, altered or sealed with a secret that
   * is not (or no longer) configured.
   */
  open(sealed: string | undefined): Promise<AuthorizationTransaction>;
}

/**
 * The longest sealed value {@link SealedCookieCodec.seal} returns, in characters (ASCII: bytes).
 * Browsers keep cookies of at least 4096 bytes counting name, value and attributes (RFC 6265
 * §6.1), and some drop a longer one without a word; this leaves 296 bytes for the name
 * (`nl_tx.` and a 43-character state) and the attributes (`HttpOnly; Secure; SameSite=Lax;
 * Path=...; Max-Age=...`). A transaction with the longest `returnTo` (2048 characters) fits.
 */
export const MAX_SEALED_COOKIE_LENGTH = 3800;

const LABEL = 'neverlose-oidc sealed transaction v1';

function configurationError(field: string, rule: string): NeverloseOidcError {
  return new NeverloseOidcError('ERR_CONFIGURATION', `Invalid option "${field}": ${rule}.`);
}

/**
 * A codec for apps with no server session: the transaction travels in a cookie, encrypted and
 * authenticated (JWE, `dir` + `A256GCM`) and carrying its expiry. Name the cookie after the state
 * ({@link sealedCookieName}) so that several tabs can log in at once, and set it `HttpOnly`,
 * `Secure`, `SameSite=Lax`, `Path` of the callback, `Max-Age` of the transaction lifetime.
 *
 * A sealed cookie can be replayed until it expires if the browser keeps it: delete it on the
 * callback, and keep the lifetime short.
 *
 * @throws {NeverloseOidcError} `ERR_CONFIGURATION` naming the secret and the rule it breaks.
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
    async seal(transaction) {
      assertTransaction(transaction);
      const sealed = await sealer.seal({ tx: transaction }, now(), transaction.expiresAt);
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
        throw new NeverloseOidcError(
          'ERR_TRANSACTION_MISSING',
          'No login transaction cookie came with this callback.',
        );
      }
      // A value longer than any seal returns is not one: no decryption is tried.
      if (sealed.length > MAX_SEALED_COOKIE_LENGTH) {
        throw new NeverloseOidcError(
          'ERR_TRANSACTION_MISSING',
          'The login transaction cookie could not be opened (longer than any sealed value).',
        );
      }
      const tx = (await decrypt(sealed)).tx;
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

import { EncryptJWT, jwtDecrypt } from 'jose';
import { NeverloseOidcError } from '../errors.js';
import { hkdfSha256, utf8 } from '../lib/web-crypto.js';
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

const INFO = 'neverlose-oidc sealed transaction v1';
const MIN_SECRET_BYTES = 32;
const MIN_SECRET_BITS = 128;

function configurationError(field: string, rule: string): NeverloseOidcError {
  return new NeverloseOidcError('ERR_CONFIGURATION', `Invalid option "${field}": ${rule}.`);
}

/** The Shannon entropy of the bytes' distribution, times their number: an estimate, in bits. */
function estimatedEntropyBits(bytes: Uint8Array): number {
  const counts = new Map<number, number>();
  for (const byte of bytes) counts.set(byte, (counts.get(byte) ?? 0) + 1);
  let bitsPerByte = 0;
  for (const count of counts.values()) {
    const p = count / bytes.length;
    bitsPerByte -= p * Math.log2(p);
  }
  return bitsPerByte * bytes.length;
}

/** The length of the shorter sequence `bytes` repeats (`abcabcab`: 3), or `undefined`. */
function repeatedPeriod(bytes: Uint8Array): number | undefined {
  for (let period = 1; period <= bytes.length / 2; period++) {
    let index = period;
    while (index < bytes.length && bytes[index] === bytes[index - period]) index++;
    if (index === bytes.length) return period;
  }
  return undefined;
}

/**
 * Checks one secret now, and derives its key when first used: Web Crypto's HKDF is asynchronous,
 * and `createSealedCookieCodec` is not.
 */
function keyOf(secret: unknown, field: string): () => Promise<Uint8Array> {
  if (typeof secret !== 'string' && !(secret instanceof Uint8Array)) {
    throw configurationError(field, 'must be a string or a Uint8Array');
  }
  // A copy: the caller may reuse its buffer, and Web Crypto wants an ArrayBuffer-backed view.
  const bytes = typeof secret === 'string' ? utf8(secret) : new Uint8Array(secret);
  if (bytes.byteLength < MIN_SECRET_BYTES) {
    throw configurationError(field, `must be at least ${MIN_SECRET_BYTES} bytes long`);
  }
  const period = repeatedPeriod(bytes);
  if (period !== undefined) {
    throw configurationError(
      field,
      `does not look random: it repeats a sequence of ${period} bytes (generate one with \`openssl rand -base64 32\`)`,
    );
  }
  const bits = estimatedEntropyBits(bytes);
  if (bits < MIN_SECRET_BITS) {
    throw configurationError(
      field,
      `does not look random: its estimated entropy is ${Math.floor(bits)} bits, at least ${MIN_SECRET_BITS} are needed (generate one with \`openssl rand -base64 32\`)`,
    );
  }
  let key: Promise<Uint8Array> | undefined;
  return () => {
    key ??= hkdfSha256(bytes, INFO, 32);
    return key;
  };
}

function keysOf(secret: unknown): readonly (() => Promise<Uint8Array>)[] {
  if (!Array.isArray(secret)) return [keyOf(secret, 'secret')];
  if (secret.length === 0) throw configurationError('secret', 'must list at least one secret');
  return secret.map((one, index) => keyOf(one, `secret[${index}]`));
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
  const keys = keysOf(options.secret);
  const sealingKey = keys[0] as () => Promise<Uint8Array>;
  const now = options.now ?? Date.now;

  const decrypt = async (sealed: string): Promise<Record<string, unknown>> => {
    let failure: unknown;
    for (const keyOfSecret of keys) {
      const key = await keyOfSecret();
      try {
        const { payload } = await jwtDecrypt(sealed, key, {
          keyManagementAlgorithms: ['dir'],
          contentEncryptionAlgorithms: ['A256GCM'],
          currentDate: new Date(now()),
          clockTolerance: 0,
        });
        return payload;
      } catch (error) {
        failure = error;
        // Another key may open it; any other failure is the value's, whatever the key.
        if ((error as { code?: unknown }).code !== 'ERR_JWE_DECRYPTION_FAILED') break;
      }
    }
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
  };

  return {
    async seal(transaction) {
      assertTransaction(transaction);
      const sealed = await new EncryptJWT({ tx: transaction })
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
        .setIssuedAt(Math.floor(now() / 1000))
        .setExpirationTime(Math.floor(transaction.expiresAt / 1000))
        .encrypt(await sealingKey());
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

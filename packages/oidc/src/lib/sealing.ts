import { EncryptJWT, type JWTPayload, jwtDecrypt } from 'jose';
import { NeverloseOidcError } from '../errors.js';
import { hkdfSha256, utf8 } from './web-crypto.js';

// The one sealing mechanism of this package: JWE (`dir` + `A256GCM`) under a key derived from an
// app secret with HKDF-SHA-256 and a label. The login-transaction cookie and the Hono session
// cookie use it with their own labels, hence their own keys: a value sealed for one never opens
// as the other.

const MIN_SECRET_BYTES = 32;
const MIN_SECRET_BITS = 128;

/** @internal Seals JSON payloads with the first secret and opens them with any. */
export interface Sealer {
  /**
   * Encrypts and authenticates `payload`; it can be opened until `expiresAt`.
   *
   * @param now The time of sealing, in milliseconds since the epoch.
   * @param expiresAt When the value expires, in milliseconds since the epoch.
   */
  seal(payload: JWTPayload, now: number, expiresAt: number): Promise<string>;
  /**
   * The payload of a sealed value. Rejects with jose's error of the last secret tried:
   * `ERR_JWT_EXPIRED` for a value that expired, `ERR_JWE_DECRYPTION_FAILED` when no secret opens
   * it, another code for a value that is not a sealed value at all.
   *
   * @param now The current time, in milliseconds since the epoch.
   */
  open(sealed: string, now: number): Promise<JWTPayload>;
}

function configurationError(field: string, rule: string): NeverloseOidcError {
  return new NeverloseOidcError('ERR_INVALID_OPTION', `Invalid option "${field}": ${rule}.`);
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
 * and the codecs are created synchronously.
 */
function keyOf(secret: unknown, field: string, label: string): () => Promise<Uint8Array> {
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
    key ??= hkdfSha256(bytes, label, 32);
    return key;
  };
}

/**
 * @internal A {@link Sealer} over `secret` (one, or several newest first), each key derived with
 * HKDF-SHA-256 under `label`. Checks every secret now: at least 32 bytes, no repeated sequence,
 * an estimated entropy of 128 bits.
 *
 * @throws {NeverloseOidcError} `ERR_INVALID_OPTION` naming the secret (`secret`, `secret[1]`) and
 *   the rule it breaks.
 */
export function createSealer(secret: unknown, label: string): Sealer {
  const keys = Array.isArray(secret)
    ? secret.map((one, index) => keyOf(one, `secret[${index}]`, label))
    : [keyOf(secret, 'secret', label)];
  const sealingKey = keys[0];
  if (sealingKey === undefined) throw configurationError('secret', 'must list at least one secret');
  return {
    async seal(payload, now, expiresAt) {
      return new EncryptJWT(payload)
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
        .setIssuedAt(Math.floor(now / 1000))
        .setExpirationTime(Math.floor(expiresAt / 1000))
        .encrypt(await sealingKey());
    },
    async open(sealed, now) {
      let failure: unknown;
      for (const key of keys) {
        try {
          const { payload } = await jwtDecrypt(sealed, await key(), {
            keyManagementAlgorithms: ['dir'],
            contentEncryptionAlgorithms: ['A256GCM'],
            currentDate: new Date(now),
            clockTolerance: 0,
          });
          return payload;
        } catch (error) {
          failure = error;
          // Another key may open it; any other failure is the value's, whatever the key.
          if ((error as { code?: unknown }).code !== 'ERR_JWE_DECRYPTION_FAILED') break;
        }
      }
      throw failure;
    },
  };
}

import { sha256Hex } from '../lib/crypto.js';
import { SigningError } from './errors.js';
import { joinedSigningString, type SignablePayload } from './fields.js';

/**
 * Signs a market API payload exactly as the provider's Python reference does:
 * `sha256(''.join(key + str(value) for key in sorted(obj)) + secret)`, lowercase hex, over every
 * top-level field except `signature`. It is a plain SHA-256, not an HMAC.
 *
 * - Raw JSON text is signed as Python signs `json.loads(text)`: the number's text decides int or
 *   float (`1` and `1.0` sign differently), integers of any size stay exact, floats use CPython's
 *   repr layout (`1e-05`, `1e+16`, `2.0`), `true`/`false`/`null` become `True`/`False`/`None`,
 *   keys are ordered by code point, text is UTF-8.
 * - An object is signed as the server signs the JSON a client sends for it: a JavaScript integer
 *   below 1e21 is an int, any other number a float, a bigint an int.
 * - A nested object or array is signed as Python's `str()` renders it (`{'a': 1}`), for ASCII
 *   content; non-ASCII text inside one is refused (`ERR_SIGNING_NESTED_VALUE`): send such a field
 *   as a JSON string, as the docs require for `prices`.
 *
 * The signature does not delimit fields, so `{"amount":"10","id":"5"}` and `{"amount":"10id5"}`
 * sign the same: a verified payload's shape must still be checked.
 *
 * @param payload A plain object, or a string of raw JSON text of one.
 * @param secret Your market API key.
 * @returns 64 lowercase hex characters.
 * @throws {SigningError} with a `code` from {@link SigningErrorCode} when the payload cannot be
 *   signed the way the provider would sign it.
 *
 * @example
 * ```ts
 * const signature = signPayload({ user_id: 1, id: 'order-17', username: 'a49', amount: 2 }, apiKey);
 * ```
 */
export function signPayload(payload: SignablePayload, secret: string): string {
  assertSecret(secret);
  return hashSigningString(joinedSigningString(payload), secret);
}

/**
 * @internal The string the reference hashes, before the secret is appended: printed by
 * `nl-market sign --show-string`, for debugging a signature mismatch.
 */
export function signingString(payload: SignablePayload): string {
  return joinedSigningString(payload);
}

/** @internal SHA-256 of the joined fields and the secret, lowercase hex. */
export function hashSigningString(joined: string, secret: string): string {
  return sha256Hex(joined + secret);
}

/** @internal */
export function assertSecret(secret: unknown): asserts secret is string {
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new SigningError(
      'ERR_SIGNING_INVALID_SECRET',
      'The secret must be a non-empty string (your market API key).',
    );
  }
  if (!secret.isWellFormed()) {
    throw new SigningError(
      'ERR_SIGNING_INVALID_SECRET',
      'The secret contains a lone UTF-16 surrogate.',
    );
  }
}

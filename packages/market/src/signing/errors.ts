import { NeverloseMarketError } from '../errors/base.js';

/**
 * Codes of {@link SigningError}.
 *
 * - `ERR_SIGNING_INVALID_JSON`: the raw text is not strict JSON (RFC 8259).
 * - `ERR_SIGNING_NOT_AN_OBJECT`: the payload is not a JSON object / plain object.
 * - `ERR_SIGNING_UNSUPPORTED_VALUE`: a value JSON cannot carry (NaN, Infinity, a function, a Map...).
 * - `ERR_SIGNING_NESTED_VALUE`: a nested object or array the provider's Python renders in a way that
 *   cannot be reproduced exactly (non-ASCII text inside it); send the field as a JSON string.
 * - `ERR_SIGNING_UNENCODABLE_TEXT`: a lone UTF-16 surrogate; the provider's Python cannot encode it.
 * - `ERR_SIGNING_INTEGER_TOO_LONG`: an integer of more than 4300 digits, which Python refuses to read.
 * - `ERR_SIGNING_INVALID_SECRET`: the secret is empty or not a string.
 * - `ERR_SIGNATURE_MISSING`: verification was asked of a payload without a string `signature`.
 */
export type SigningErrorCode =
  | 'ERR_SIGNING_INVALID_JSON'
  | 'ERR_SIGNING_NOT_AN_OBJECT'
  | 'ERR_SIGNING_UNSUPPORTED_VALUE'
  | 'ERR_SIGNING_NESTED_VALUE'
  | 'ERR_SIGNING_UNENCODABLE_TEXT'
  | 'ERR_SIGNING_INTEGER_TOO_LONG'
  | 'ERR_SIGNING_INVALID_SECRET'
  | 'ERR_SIGNATURE_MISSING';

/** Thrown when a payload or secret cannot be signed or verified as the provider would. */
export class SigningError extends NeverloseMarketError<SigningErrorCode> {}

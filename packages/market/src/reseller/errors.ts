import { NeverloseMarketError } from '../errors/base.js';

/**
 * Codes of {@link ResellerTokenError}: why an `nl_purchase` token was rejected.
 *
 * - `ERR_RESELLER_TOKEN_EXPIRED`: past `exp` (beyond the clock tolerance).
 * - `ERR_RESELLER_TOKEN_BAD_SIGNATURE`: not signed with your API key (forged or tampered).
 * - `ERR_RESELLER_TOKEN_WRONG_ALGORITHM`: not HS256 (`none`, HS512, RS256...).
 * - `ERR_RESELLER_TOKEN_WRONG_ISSUER`: `iss` is not `NLRI`.
 * - `ERR_RESELLER_TOKEN_WRONG_INTEGRATION`: `integration_id` is not the expected one.
 * - `ERR_RESELLER_TOKEN_MALFORMED`: not a JWS, missing `iat`/`exp`, issued in the future, or a
 *   payload that is not a documented product order or market top-up.
 * - `ERR_RESELLER_TOKEN_NON_CANONICAL`: a segment is not canonical base64url (padding, characters
 *   outside the alphabet, or spare low bits set in the last character). Several spellings decode to
 *   the same bytes and would verify; only the one a JWT library writes is accepted, so one order has
 *   one token.
 * - `ERR_RESELLER_TOKEN_LIFETIME_TOO_LONG`: `exp - iat` is longer than `maxLifetimeSeconds`.
 * - `ERR_INVALID_OPTION`: an empty API key, no `integrationId` (or no `store` for
 *   `acceptResellerOrder`), an unknown option, or a bad one.
 */
export type ResellerTokenErrorCode =
  | 'ERR_RESELLER_TOKEN_EXPIRED'
  | 'ERR_RESELLER_TOKEN_BAD_SIGNATURE'
  | 'ERR_RESELLER_TOKEN_WRONG_ALGORITHM'
  | 'ERR_RESELLER_TOKEN_WRONG_ISSUER'
  | 'ERR_RESELLER_TOKEN_WRONG_INTEGRATION'
  | 'ERR_RESELLER_TOKEN_MALFORMED'
  | 'ERR_RESELLER_TOKEN_NON_CANONICAL'
  | 'ERR_RESELLER_TOKEN_LIFETIME_TOO_LONG'
  | 'ERR_INVALID_OPTION';

/** A reseller checkout token was rejected; do not fulfil the order. */
export class ResellerTokenError extends NeverloseMarketError<ResellerTokenErrorCode> {}

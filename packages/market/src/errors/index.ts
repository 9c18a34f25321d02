import type { MarketApiError, MarketInputError, MarketTransportError } from '../client/errors.js';
import type { JournalError } from '../journal/errors.js';
import type { PricesError } from '../prices/errors.js';
import type { ResellerTokenError } from '../reseller/errors.js';
import type { SigningError } from '../signing/errors.js';
import type { SqliteStoreError } from '../sqlite/errors.js';
import type { WebhookError } from '../webhooks/errors.js';

import { hasMarketErrorBrand } from './base.js';

export {
  MarketApiError,
  type MarketApiErrorCode,
  type MarketClientErrorCode,
  type MarketErrorContext,
  MarketInputError,
  type MarketInputErrorCode,
  MarketTransportError,
  type MarketTransportErrorCode,
} from '../client/errors.js';
export { JournalError, type JournalErrorCode } from '../journal/errors.js';
export {
  type PriceIssue,
  type PriceRule,
  PricesError,
  type PricesErrorCode,
} from '../prices/errors.js';
export { ResellerTokenError, type ResellerTokenErrorCode } from '../reseller/errors.js';
export { SigningError, type SigningErrorCode } from '../signing/errors.js';
export { SqliteStoreError, type SqliteStoreErrorCode } from '../sqlite/errors.js';
export { WebhookError, type WebhookErrorCode } from '../webhooks/errors.js';
export { NeverloseMarketError } from './base.js';
export { isStoreFailure, STORE_FAILURE } from './store-failure.js';

/**
 * Any error this package throws, as a union discriminated by `code`: comparing `error.code` with
 * a code narrows to its class (`ERR_MARKET_USER_NOT_FOUND` gives a {@link MarketApiError} with its
 * `providerMessage`), and a misspelt code does not compile.
 */
export type AnyNeverloseMarketError =
  | SigningError
  | MarketApiError
  | MarketTransportError
  | MarketInputError
  | WebhookError
  | ResellerTokenError
  | JournalError
  | PricesError
  | SqliteStoreError;

/** Every code this package throws: the union of each error class's codes. */
export type NeverloseMarketErrorCode = AnyNeverloseMarketError['code'];

/**
 * True for any error thrown by this package, whichever loaded copy of it threw. Narrows to
 * {@link AnyNeverloseMarketError}, so `error.code` is the union of every code, not `string`.
 *
 * @example
 * ```ts
 * if (isNeverloseMarketError(error) && error.code === 'ERR_MARKET_INSUFFICIENT_BALANCE') {
 *   alertOps(error.providerMessage);
 * }
 * ```
 */
export function isNeverloseMarketError(error: unknown): error is AnyNeverloseMarketError {
  return hasMarketErrorBrand(error);
}

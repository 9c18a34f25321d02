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
export {
  type AnyNeverloseMarketError,
  isNeverloseMarketError,
  NeverloseMarketError,
  type NeverloseMarketErrorCode,
} from './base.js';
export { isStoreFailure, STORE_FAILURE } from './store-failure.js';

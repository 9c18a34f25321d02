export { ResellerPricesBuilder } from './builder.js';
export { type PriceIssue, type PriceRule, PricesError, type PricesErrorCode } from './errors.js';
export {
  type PriceSync,
  type PriceSyncOptions,
  type PriceSyncStatus,
  RESELLER_PRICES_TTL_MS,
  startPriceSync,
} from './sync.js';
export {
  assertResellerPrices,
  type CurrencyPrices,
  checkResellerPrices,
  MARKETPLACE_KEY,
  MAX_CURRENCIES,
  type PriceRulesOptions,
  type PriceValue,
  type ResellerPrices,
} from './validate.js';

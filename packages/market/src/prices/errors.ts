import { NeverloseMarketError } from '../errors/base.js';

/**
 * Rules of the reseller prices object, one per documented constraint:
 *
 * - `not-an-object`: the prices, or a product's value, is not a JSON object.
 * - `key-format`: a key is not `<product>`, `<product>-<days>` or `marketplace`.
 * - `unknown-product`: the product is not one of the allowed products.
 * - `unknown-plan`: the days are not an existing plan (30, 90, 180, 365).
 * - `duplicate-plan`: two keys name the same plan (`cs2` is `cs2-30`).
 * - `marketplace-plan`: `marketplace` takes no days suffix (it prices 1 NLE).
 * - `no-currencies`: a product has no price.
 * - `too-many-currencies`: more than 3 currencies for a product.
 * - `currency-format`: a currency is not exactly three uppercase Latin letters.
 * - `price-not-string`: a price is a number (decimal values must be strings).
 * - `price-format`: a price string is not a plain positive decimal such as `"14.10"`.
 * - `range-length`: a range is not an array of exactly two prices.
 * - `range-order`: a range's first price is not lower than its second.
 */
export type PriceRule =
  | 'not-an-object'
  | 'key-format'
  | 'unknown-product'
  | 'unknown-plan'
  | 'duplicate-plan'
  | 'marketplace-plan'
  | 'no-currencies'
  | 'too-many-currencies'
  | 'currency-format'
  | 'price-not-string'
  | 'price-format'
  | 'range-length'
  | 'range-order';

/** One broken rule, located. */
export interface PriceIssue {
  /** The first-level key (`''` for the object itself). */
  readonly key: string;
  /** The currency, for rules about one price. */
  readonly currency?: string;
  readonly rule: PriceRule;
  /** A sentence naming the key and the rule. */
  readonly message: string;
}

/**
 * Codes of {@link PricesError}.
 *
 * - `ERR_PRICES_INVALID`: the prices object breaks a documented rule; `issues` lists every one.
 * - `ERR_INVALID_OPTION`: an option of `startPriceSync` is invalid.
 */
export type PricesErrorCode = 'ERR_PRICES_INVALID' | 'ERR_INVALID_OPTION';

/** The prices object breaks documented rules (`issues` lists every one), or an option is invalid. */
export class PricesError extends NeverloseMarketError<PricesErrorCode> {
  /** Every broken rule, for `ERR_PRICES_INVALID`; empty otherwise. */
  readonly issues: readonly PriceIssue[];

  constructor(issues: readonly PriceIssue[]);
  constructor(code: 'ERR_INVALID_OPTION', message: string);
  constructor(issuesOrCode: readonly PriceIssue[] | 'ERR_INVALID_OPTION', message = '') {
    if (typeof issuesOrCode === 'string') {
      super(issuesOrCode, message);
      this.issues = [];
      return;
    }
    const first = issuesOrCode[0]?.message ?? 'invalid prices';
    const more = issuesOrCode.length > 1 ? ` (and ${issuesOrCode.length - 1} more)` : '';
    super('ERR_PRICES_INVALID', `Invalid reseller prices: ${first}${more}`);
    this.issues = issuesOrCode;
  }
}

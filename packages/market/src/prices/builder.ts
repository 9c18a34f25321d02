import type { PlanDays } from '../client/plans.js';
import {
  assertResellerPrices,
  type CurrencyPrices,
  MARKETPLACE_KEY,
  type PriceRulesOptions,
  type PriceValue,
  type ResellerPrices,
} from './validate.js';

/**
 * Builds a reseller prices object one product at a time; `build()` checks every documented rule.
 *
 * @example
 * ```ts
 * const prices = new ResellerPricesBuilder()
 *   .product('cs2', 30, { EUR: ['30.50', '31.30'], USD: ['31.82', '32.65'] })
 *   .product('csgo', 180, { EUR: '14.10', USD: '14.71', XMR: '0.162' })
 *   .marketplace({ EUR: '1.1', USD: '1.15' })
 *   .build();
 * await client.setResellerPrices({ integrationId: 100, prices });
 * ```
 */
export class ResellerPricesBuilder {
  readonly #prices: Record<string, Record<string, PriceValue>> = {};
  readonly #options: PriceRulesOptions;

  constructor(options: PriceRulesOptions = {}) {
    this.#options = options;
  }

  /** Sets the prices of a product plan (key `<product>-<days>`), replacing earlier ones. */
  product(product: string, days: PlanDays, prices: CurrencyPrices): this {
    this.#prices[`${product}-${days}`] = { ...prices };
    return this;
  }

  /** Sets the price of 1 NLE of market top-up (key `marketplace`). */
  marketplace(prices: CurrencyPrices): this {
    this.#prices[MARKETPLACE_KEY] = { ...prices };
    return this;
  }

  /**
   * The prices object, checked.
   *
   * @throws {PricesError} `ERR_PRICES_INVALID` listing every broken rule.
   */
  build(): ResellerPrices {
    const copy = structuredClone(this.#prices);
    return assertResellerPrices(copy, this.#options);
  }
}

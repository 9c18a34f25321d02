import { KNOWN_PRODUCTS, PLANS } from '../client/plans.js';
import { type PriceIssue, type PriceRule, PricesError } from './errors.js';

/** A price (`"14.10"`) or a range of two (`["30.50", "31.30"]`), as decimal strings. */
export type PriceValue = string | readonly [string, string];

/** Prices of one product by currency (`EUR`, `USD`, `XMR`...), at most three. */
export type CurrencyPrices = Readonly<Record<string, PriceValue>>;

/**
 * The prices object of `set-reseller-prices`: keys `<product>-<days>` (a bare product means 30
 * days) or `marketplace` (the price of 1 NLE).
 *
 * @example
 * ```ts
 * const prices: ResellerPrices = {
 *   'cs2-30': { EUR: ['30.50', '31.30'], USD: ['31.82', '32.65'] },
 *   'csgo-180': { EUR: '14.10', USD: '14.71', XMR: '0.162' },
 *   marketplace: { EUR: '1.1', USD: '1.15' },
 * };
 * ```
 */
export type ResellerPrices = Readonly<Record<string, CurrencyPrices>>;

/** Options of {@link checkResellerPrices}. */
export interface PriceRulesOptions {
  /**
   * Product names allowed in keys. The docs' product list is `csgo` and `cs2`; pass a longer list
   * when Neverlose adds a product before this package knows it.
   *
   * @defaultValue `['csgo', 'cs2']`
   * @example `{ products: ['csgo', 'cs2', 'cs3'] }`
   */
  readonly products?: readonly string[];
}

/** The special key that prices 1 NLE of market top-up. */
export const MARKETPLACE_KEY = 'marketplace';
/** The most currencies one product may list. */
export const MAX_CURRENCIES = 3;

const CURRENCY_RE = /^[A-Z]{3}$/;
const DECIMAL_RE = /^\d+(?:\.\d+)?$/;
const PLAN_DAYS: readonly number[] = PLANS.map((plan) => plan.days);

/**
 * Checks a prices object against every documented rule and lists what is wrong (empty when valid).
 *
 * @example
 * ```ts
 * for (const issue of checkResellerPrices(prices)) console.error(issue.message);
 * ```
 */
export function checkResellerPrices(value: unknown, options: PriceRulesOptions = {}): PriceIssue[] {
  const products = options.products ?? KNOWN_PRODUCTS;
  const issues: PriceIssue[] = [];
  const add = (key: string, rule: PriceRule, message: string, currency?: string) => {
    const where = currency === undefined ? `"${key}"` : `"${key}" ${currency}`;
    issues.push({
      key,
      rule,
      message: `${where}: ${message} (${rule})`,
      ...(currency === undefined ? {} : { currency }),
    });
  };
  if (!isObject(value)) {
    issues.push({
      key: '',
      rule: 'not-an-object',
      message: 'the prices must be a JSON object (not-an-object)',
    });
    return issues;
  }
  const plans = new Map<string, string>();
  for (const [key, currencies] of Object.entries(value)) {
    const plan = checkKey(key, products, add);
    if (plan !== undefined) {
      const earlier = plans.get(plan);
      if (earlier !== undefined) add(key, 'duplicate-plan', `names the same plan as "${earlier}"`);
      else plans.set(plan, key);
    }
    if (!isObject(currencies)) {
      add(key, 'not-an-object', 'must be an object of prices by currency');
      continue;
    }
    const names = Object.keys(currencies);
    if (names.length === 0) add(key, 'no-currencies', 'lists no currency');
    if (names.length > MAX_CURRENCIES) {
      add(
        key,
        'too-many-currencies',
        `lists ${names.length} currencies; at most ${MAX_CURRENCIES} are allowed`,
      );
    }
    for (const currency of names) {
      if (!CURRENCY_RE.test(currency)) {
        add(
          key,
          'currency-format',
          'a currency must be exactly three uppercase Latin letters (EUR)',
          currency,
        );
      }
      checkPrice(key, currency, currencies[currency], add);
    }
  }
  return issues;
}

/**
 * Returns the prices object when every rule holds.
 *
 * @throws {PricesError} `ERR_PRICES_INVALID`, with every broken rule in `issues`.
 */
export function assertResellerPrices(
  value: unknown,
  options: PriceRulesOptions = {},
): ResellerPrices {
  const issues = checkResellerPrices(value, options);
  if (issues.length > 0) throw new PricesError(issues);
  return value as ResellerPrices;
}

type Add = (key: string, rule: PriceRule, message: string, currency?: string) => void;

/** The plan a key names (`cs2-30`, `marketplace`), or `undefined` when the key is invalid. */
function checkKey(key: string, products: readonly string[], add: Add): string | undefined {
  if (key === MARKETPLACE_KEY) return key;
  const match = /^([a-z0-9][a-z0-9_]*(?:-[a-z0-9_]*[a-z_][a-z0-9_]*)*)(?:-(\d+))?$/.exec(key);
  if (match === null) {
    add(key, 'key-format', 'a key must be "<product>-<days>", "<product>" or "marketplace"');
    return undefined;
  }
  const product = match[1] as string;
  if (product === MARKETPLACE_KEY) {
    add(key, 'marketplace-plan', '"marketplace" prices 1 NLE and takes no days');
    return undefined;
  }
  if (!products.includes(product)) {
    add(key, 'unknown-product', `unknown product "${product}" (known: ${products.join(', ')})`);
    return undefined;
  }
  const days = match[2] === undefined ? 30 : Number(match[2]);
  if (!PLAN_DAYS.includes(days) || (match[2] !== undefined && String(days) !== match[2])) {
    add(key, 'unknown-plan', `"${match[2]}" is not a plan length (${PLAN_DAYS.join(', ')} days)`);
    return undefined;
  }
  return `${product}-${days}`;
}

function checkPrice(key: string, currency: string, price: unknown, add: Add): void {
  if (Array.isArray(price)) {
    if (price.length !== 2) {
      add(key, 'range-length', `a range must have exactly 2 prices, not ${price.length}`, currency);
      return;
    }
    const [low, high] = price as unknown[];
    const lowOk = checkDecimal(key, currency, low, add);
    const highOk = checkDecimal(key, currency, high, add);
    if (lowOk && highOk && compareDecimals(low as string, high as string) >= 0) {
      add(
        key,
        'range-order',
        `the first price of a range must be lower than the second ("${low}" >= "${high}")`,
        currency,
      );
    }
    return;
  }
  checkDecimal(key, currency, price, add);
}

function checkDecimal(key: string, currency: string, price: unknown, add: Add): boolean {
  if (typeof price === 'number') {
    add(
      key,
      'price-not-string',
      `the price ${price} must be a string ("${price}") to avoid rounding`,
      currency,
    );
    return false;
  }
  if (typeof price !== 'string' || !DECIMAL_RE.test(price) || /^0+(?:\.0+)?$/.test(price)) {
    add(
      key,
      'price-format',
      `${JSON.stringify(price)} is not a positive decimal string such as "14.10"`,
      currency,
    );
    return false;
  }
  return true;
}

/** Compares two plain decimal strings exactly (no float rounding). */
export function compareDecimals(a: string, b: string): number {
  const [ai, af] = splitDecimal(a);
  const [bi, bf] = splitDecimal(b);
  if (ai.length !== bi.length) return ai.length < bi.length ? -1 : 1;
  if (ai !== bi) return ai < bi ? -1 : 1;
  const width = Math.max(af.length, bf.length);
  const x = af.padEnd(width, '0');
  const y = bf.padEnd(width, '0');
  return x === y ? 0 : x < y ? -1 : 1;
}

function splitDecimal(text: string): [string, string] {
  const [int = '', frac = ''] = text.split('.');
  return [int.replace(/^0+(?=\d)/, ''), frac];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The provider's rules for `set-reseller-prices`, as its docs state them, applied on the server
 * side: products and plans come from the emulator's own world (its seed may define products and
 * plans the SDK does not know), and prices are read from the raw JSON string the request carried.
 *
 * Why this is not `neverlose-market`'s `checkResellerPrices`: the emulator is an independent model
 * of the provider. An SDK that validates prices with the same code the emulator enforces them with
 * could never find its own mistake; with two readings of the docs, one wrong rule shows up as a
 * disagreement in tests. Keep it independent of the SDK.
 */

import { isJsonObject, JsonNumber, type JsonValue, parseJson } from '../json/parse.js';
import type { ProductRecord } from '../world/records.js';

/** Why a prices object was refused: the field and the rule. */
export class PricesFormatError extends Error {}

const KEY_RE = /^([a-z0-9]+)(?:-(\d{1,4}))?$/;
const CURRENCY_RE = /^[A-Z]{3}$/;
const PRICE_RE = /^(?:0|[1-9]\d{0,15})(?:\.\d{1,12})?$/;

function fail(message: string): never {
  throw new PricesFormatError(message);
}

/**
 * Checks the `prices` JSON string of `set-reseller-prices` against every rule of the docs and
 * returns it with keys normalized to `<product>-<days>` (or `marketplace`).
 *
 * - first-level key `<product>-<days>` of an existing product and plan; `<product>` alone is the
 *   30-day plan; `marketplace` is the price of 1 NLE;
 * - second-level key: exactly 3 uppercase latin letters; 1 to 3 currencies per product;
 * - value: a decimal number as a string, or an array of exactly 2 of them, first below second.
 *
 * @throws {PricesFormatError} naming the key and the rule.
 */
export function validatePrices(
  text: string,
  products: ReadonlyMap<string, ProductRecord>,
): Record<string, Record<string, string | [string, string]>> {
  let root: JsonValue;
  try {
    root = parseJson(text);
  } catch {
    return fail('prices is not valid JSON');
  }
  if (!isJsonObject(root)) fail('prices must be a JSON object');
  const out: Record<string, Record<string, string | [string, string]>> = {};
  for (const rawKey of Object.keys(root)) {
    const key = normalizeKey(rawKey, products);
    if (Object.hasOwn(out, key)) fail(`"${rawKey}" repeats the plan "${key}"`);
    const value = root[rawKey];
    if (!isJsonObject(value)) fail(`"${rawKey}" must map currencies to prices`);
    const currencies = Object.keys(value);
    if (currencies.length === 0) fail(`"${rawKey}" lists no currency`);
    if (currencies.length > 3) fail(`"${rawKey}" lists more than 3 currencies`);
    const entry: Record<string, string | [string, string]> = {};
    for (const currency of currencies) {
      if (!CURRENCY_RE.test(currency))
        fail(`"${rawKey}": currency "${currency}" is not 3 uppercase latin letters`);
      entry[currency] = price(value[currency] as JsonValue, `${rawKey}.${currency}`);
    }
    Object.defineProperty(out, key, {
      value: entry,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function normalizeKey(rawKey: string, products: ReadonlyMap<string, ProductRecord>): string {
  if (rawKey === 'marketplace') return rawKey;
  const match = KEY_RE.exec(rawKey);
  if (match === null) fail(`"${rawKey}" is not <product>-<days>`);
  const [, name, daysText] = match;
  const product = products.get(name as string);
  if (product === undefined) fail(`"${rawKey}": unknown product "${name}"`);
  const days = daysText === undefined ? 30 : Number(daysText);
  if (!product.plans.some((plan) => plan.days === days))
    fail(`"${rawKey}": ${product.name} has no ${days}-day plan`);
  return `${product.name}-${days}`;
}

function price(value: JsonValue, at: string): string | [string, string] {
  if (Array.isArray(value)) {
    if (value.length !== 2) fail(`${at}: a range must have exactly 2 prices`);
    const low = single(value[0] as JsonValue, at);
    const high = single(value[1] as JsonValue, at);
    if (compareDecimals(low, high) >= 0)
      fail(`${at}: the first price of a range must be less than the second`);
    return [low, high];
  }
  return single(value, at);
}

function single(value: JsonValue, at: string): string {
  if (value instanceof JsonNumber) fail(`${at}: prices must be strings ("14.10"), not numbers`);
  if (typeof value !== 'string' || !PRICE_RE.test(value))
    fail(`${at}: not a decimal number string`);
  if (/^0(?:\.0*)?$/.test(value)) fail(`${at}: a price must be above zero`);
  return value;
}

/** Compares two decimal strings exactly. */
export function compareDecimals(a: string, b: string): number {
  const [ai = '', af = ''] = a.split('.');
  const [bi = '', bf = ''] = b.split('.');
  const aInt = ai.replace(/^0+(?=\d)/, '');
  const bInt = bi.replace(/^0+(?=\d)/, '');
  if (aInt.length !== bInt.length) return aInt.length - bInt.length;
  if (aInt !== bInt) return aInt < bInt ? -1 : 1;
  const width = Math.max(af.length, bf.length);
  const aFrac = af.padEnd(width, '0');
  const bFrac = bf.padEnd(width, '0');
  return aFrac === bFrac ? 0 : aFrac < bFrac ? -1 : 1;
}

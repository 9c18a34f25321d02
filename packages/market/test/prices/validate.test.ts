import { describe, expect, it } from 'vitest';
import {
  assertResellerPrices,
  checkResellerPrices,
  type PriceRule,
  ResellerPricesBuilder,
} from '../../src/index.js';

const DOCS_EXAMPLE = {
  'cs2-30': { EUR: ['30.50', '31.30'], USD: ['31.82', '32.65'] },
  'csgo-180': { EUR: '14.10', USD: '14.71', XMR: '0.162' },
  marketplace: { EUR: '1.1', USD: '1.15' },
};

function rules(value: unknown): [string, PriceRule][] {
  return checkResellerPrices(value).map((issue) => [issue.key, issue.rule]);
}

describe('reseller prices rules', () => {
  it("accepts the docs' example", () => {
    expect(checkResellerPrices(DOCS_EXAMPLE)).toEqual([]);
    expect(assertResellerPrices(DOCS_EXAMPLE)).toBe(DOCS_EXAMPLE);
  });

  it('accepts a bare product as its 30-day plan', () => {
    expect(rules({ cs2: { EUR: '1' }, 'cs2-90': { EUR: '2' } })).toEqual([]);
  });

  it.each<[string, unknown, [string, PriceRule][]]>([
    ['a non-object', [], [['', 'not-an-object']]],
    ['a bad key', { 'CS2-30': { EUR: '1' } }, [['CS2-30', 'key-format']]],
    ['an unknown product', { 'dota-30': { EUR: '1' } }, [['dota-30', 'unknown-product']]],
    ['a non-existent plan', { 'cs2-45': { EUR: '1' } }, [['cs2-45', 'unknown-plan']]],
    [
      'a plan written with a leading zero',
      { 'cs2-030': { EUR: '1' } },
      [['cs2-030', 'unknown-plan']],
    ],
    [
      'two keys for one plan',
      { cs2: { EUR: '1' }, 'cs2-30': { EUR: '2' } },
      [['cs2-30', 'duplicate-plan']],
    ],
    [
      'days on marketplace',
      { 'marketplace-30': { EUR: '1' } },
      [['marketplace-30', 'marketplace-plan']],
    ],
    ['a product that is not an object', { cs2: '1' }, [['cs2', 'not-an-object']]],
    ['no currency', { cs2: {} }, [['cs2', 'no-currencies']]],
    [
      'four currencies',
      { cs2: { EUR: '1', USD: '1', GBP: '1', XMR: '1' } },
      [['cs2', 'too-many-currencies']],
    ],
    ['a lowercase currency', { cs2: { eur: '1' } }, [['cs2', 'currency-format']]],
    ['a four-letter currency', { cs2: { EURO: '1' } }, [['cs2', 'currency-format']]],
    ['a non-Latin currency', { cs2: { ЕUR: '1' } }, [['cs2', 'currency-format']]],
    ['a number price', { cs2: { EUR: 14.1 } }, [['cs2', 'price-not-string']]],
    ['a price with a comma', { cs2: { EUR: '14,10' } }, [['cs2', 'price-format']]],
    ['a zero price', { cs2: { EUR: '0.00' } }, [['cs2', 'price-format']]],
    ['a one-element range', { cs2: { EUR: ['1'] } }, [['cs2', 'range-length']]],
    ['a three-element range', { cs2: { EUR: ['1', '2', '3'] } }, [['cs2', 'range-length']]],
    ['a descending range', { cs2: { EUR: ['31.30', '30.50'] } }, [['cs2', 'range-order']]],
    ['an empty range', { cs2: { EUR: ['30.5', '30.50'] } }, [['cs2', 'range-order']]],
  ])('refuses %s', (_name, value, expected) => {
    expect(rules(value)).toEqual(expected);
  });

  it('compares ranges as exact decimals', () => {
    expect(rules({ cs2: { EUR: ['9.99', '10'] } })).toEqual([]);
    expect(rules({ cs2: { EUR: ['0.30000000000000001', '0.3'] } })).toEqual([
      ['cs2', 'range-order'],
    ]);
  });

  it('names the key, the currency and the rule in every message, and lists every issue', () => {
    const issues = checkResellerPrices({ cs2: { eur: 1 }, 'cs2-45': { EUR: '1' } });
    expect(issues.map((issue) => issue.message)).toEqual([
      '"cs2" eur: a currency must be exactly three uppercase Latin letters (EUR) (currency-format)',
      '"cs2" eur: the price 1 must be a string ("1") to avoid rounding (price-not-string)',
      '"cs2-45": "45" is not a plan length (30, 90, 180, 365 days) (unknown-plan)',
    ]);
    expect(() => assertResellerPrices({ cs2: { eur: 1 } })).toThrow(
      expect.objectContaining({
        code: 'ERR_PRICES_INVALID',
        issues: expect.arrayContaining([expect.objectContaining({ currency: 'eur' })]),
      }),
    );
  });

  it('accepts more products when told', () => {
    expect(checkResellerPrices({ 'cs3-90': { EUR: '1' } }, { products: ['cs3'] })).toEqual([]);
  });
});

describe('ResellerPricesBuilder', () => {
  it("builds the docs' example", () => {
    const built = new ResellerPricesBuilder()
      .product('cs2', 30, { EUR: ['30.50', '31.30'], USD: ['31.82', '32.65'] })
      .product('csgo', 180, { EUR: '14.10', USD: '14.71', XMR: '0.162' })
      .marketplace({ EUR: '1.1', USD: '1.15' })
      .build();
    expect(built).toEqual(DOCS_EXAMPLE);
  });

  it('refuses invalid prices when building', () => {
    expect(() =>
      new ResellerPricesBuilder()
        .product('cs2', 30, { EUR: '1', USD: '1', GBP: '1', XMR: '1' })
        .build(),
    ).toThrow(
      expect.objectContaining({
        code: 'ERR_PRICES_INVALID',
        message: expect.stringContaining('"cs2-30"'),
      }),
    );
  });
});

import type { PlanDays } from 'neverlose-market/client';
import { type ResellerPrices, ResellerPricesBuilder } from 'neverlose-market/prices';

/** Prices of one thing, by currency code (`EUR`), as exact decimal strings. */
export type Prices = Readonly<Record<string, string>>;

/** What the shop sells and for how much: the source of both the checkout page and the price push. */
export interface Catalogue {
  /** Products by Neverlose name (`csgo`, `cs2`): a title and the price of each plan sold. */
  readonly products: Readonly<
    Record<string, { readonly title: string; readonly plans: Partial<Record<PlanDays, Prices>> }>
  >;
  /** The price of 1 NLE of market top-up. */
  readonly marketplace: Prices;
}

/** The demo catalogue: both products, every plan, and NLE top-ups, in EUR and USD. */
export const DEFAULT_CATALOGUE: Catalogue = {
  products: {
    csgo: {
      title: 'CS:GO',
      plans: {
        30: { EUR: '18.90', USD: '19.70' },
        90: { EUR: '48.50', USD: '50.60' },
        180: { EUR: '88.00', USD: '91.80' },
        365: { EUR: '147.00', USD: '153.30' },
      },
    },
    cs2: {
      title: 'CS2',
      plans: {
        30: { EUR: '18.90', USD: '19.70' },
        90: { EUR: '48.50', USD: '50.60' },
        180: { EUR: '88.00', USD: '91.80' },
        365: { EUR: '147.00', USD: '153.30' },
      },
    },
  },
  marketplace: { EUR: '1.10', USD: '1.15' },
};

/** The catalogue as a `set-reseller-prices` object, checked against every documented rule. */
export function resellerPrices(catalogue: Catalogue): ResellerPrices {
  const builder = new ResellerPricesBuilder({ products: Object.keys(catalogue.products) });
  for (const [name, product] of Object.entries(catalogue.products)) {
    for (const [days, prices] of Object.entries(product.plans)) {
      if (prices) builder.product(name, Number(days) as PlanDays, prices);
    }
  }
  return builder.marketplace(catalogue.marketplace).build();
}

/** The price of `nle` NLE at `unitPrice` per NLE, rounded half up to cents, exactly. */
export function topUpPrice(nle: string, unitPrice: string): string {
  const [a, aScale] = scaled(nle);
  const [b, bScale] = scaled(unitPrice);
  const product = a * b;
  const scale = aScale + bScale;
  let cents: bigint;
  if (scale <= 2) cents = product * 10n ** BigInt(2 - scale);
  else {
    const divisor = 10n ** BigInt(scale - 2);
    cents = (product + divisor / 2n) / divisor;
  }
  const text = cents.toString().padStart(3, '0');
  return `${text.slice(0, -2)}.${text.slice(-2)}`;
}

function scaled(decimal: string): [bigint, number] {
  const [whole = '0', fraction = ''] = decimal.split('.');
  return [BigInt(whole + fraction), fraction.length];
}

import type { MarketClient } from 'neverlose-market/client';
import { ResellerPricesBuilder, startPriceSync } from 'neverlose-market/prices';

declare const client: MarketClient;

// #region readme
const prices = new ResellerPricesBuilder()
  .product('cs2', 30, { EUR: ['30.50', '31.30'], USD: ['31.82', '32.65'] })
  .product('csgo', 180, { EUR: '14.10', USD: '14.71', XMR: '0.162' })
  .marketplace({ EUR: '1.1', USD: '1.15' })
  .build(); // throws ERR_PRICES_INVALID naming each key and rule broken

// Prices expire 24 hours after a push: push hourly, and hear about it when they are about to lapse.
const sync = startPriceSync({
  client,
  integrationId: 100,
  prices,
  onExpiring: (status) =>
    console.warn(`reseller prices expire at ${status.expiresAt?.toISOString()}`),
});

// #endregion

export { sync };

// Push your reseller prices now and every hour: they expire 24 hours after a push.
import { MarketClient } from 'neverlose-market/client';
import { ResellerPricesBuilder, startPriceSync } from 'neverlose-market/prices';

const apiKey = process.env.NEVERLOSE_API_KEY;
if (!apiKey) throw new Error('Set NEVERLOSE_API_KEY to your market API key.');
const client = new MarketClient({
  userId: Number(process.env.NEVERLOSE_USER_ID),
  secret: apiKey,
  baseUrl: process.env.NEVERLOSE_MARKET_URL, // unset: the production API
});

const prices = new ResellerPricesBuilder()
  .product('cs2', 30, { EUR: ['30.50', '31.30'], USD: ['31.82', '32.65'] })
  .product('csgo', 180, { EUR: '14.10', USD: '14.71', XMR: '0.162' })
  .marketplace({ EUR: '1.1', USD: '1.15' })
  .build(); // throws ERR_PRICES_INVALID naming each key and rule broken

// In your server: the schedule runs as long as the process does (it does not keep it alive).
const sync = startPriceSync({
  client,
  integrationId: Number(process.env.NEVERLOSE_INTEGRATION_ID),
  prices,
  onError: (error) => console.error('reseller prices were not pushed:', error),
  onExpiring: (status) =>
    console.warn(`reseller prices expire at ${status.expiresAt?.toISOString()}`),
});
const { lastPushedAt, expiresAt } = await sync.pushNow(); // the first push, shared
console.log(`pushed at ${lastPushedAt?.toISOString()}, expire at ${expiresAt?.toISOString()}`);

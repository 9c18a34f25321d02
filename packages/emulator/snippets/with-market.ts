// README snippet: runs against neverlose-emulator (test/docs/emulator-snippets.test.ts).
// #region readme
import { MarketClient } from 'neverlose-market';

const market = new MarketClient({
  baseUrl: 'http://127.0.0.1:4010/api/market',
  userId: 10, // the demo seed's reseller
  secret: 'emulator-reseller-key', // its market API key
});
const { balance } = await market.getBalance(); // 1000
await market.giftProduct({ key: 'order-1', username: 'alice', product: 'cs2', days: 30 });
await market.transferMoney({ key: 'order-2', username: 'bob', amount: '2.50' });

// #endregion

export { balance };

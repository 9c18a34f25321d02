// README snippet: runs against neverlose-emulator
import { createServer } from 'node:http';
import {
  acceptResellerOrder,
  isNeverloseMarketError,
  MarketClient,
  MemorySingleUseTokenStore,
} from 'neverlose-market';

const market = new MarketClient({
  baseUrl: 'http://127.0.0.1:4010/api/market',
  userId: 10, // the demo seed's reseller
  secret: 'emulator-reseller-key',
});
const orders = new MemorySingleUseTokenStore(); // in an app, a durable store (the market README)

// The checkout sends the buyer to integration 100's redirect URL,
// http://127.0.0.1:3000/checkout?nl_purchase=<JWT>, signed with the reseller's API key.
export const server = createServer(async (req, res) => {
  const token = new URL(req.url ?? '/', 'http://127.0.0.1:3000').searchParams.get('nl_purchase');
  try {
    const { order } = await acceptResellerOrder(token ?? '', 'emulator-reseller-key', {
      integrationId: 100,
      store: orders,
    });
    // A plan: { type: 'product', login: 'alice', product: 'cs2', cnt: 0, days: 30, ... }
    // An NLE top-up (product `marketplace`): { type: 'market', login: 'alice', nle: '10', ... }
    const { status } = await market.fulfilResellerOrder(order); // gift-product or transfer-money
    res.end(
      `${order.type === 'product' ? order.product : `${order.nle} NLE`} for ${order.login}: ${status}`,
    );
  } catch (error) {
    res.statusCode = isNeverloseMarketError(error) ? 400 : 500;
    res.end(isNeverloseMarketError(error) ? error.code : 'failed');
  }
}).listen(3000);

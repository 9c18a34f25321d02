// The reseller checkout sends the buyer to GET /checkout?nl_purchase=<JWT>: record the order,
// take the payment, deliver it keyed by its token. Opening the URL again finishes an order whose
// delivery failed, and delivers nothing twice.
import { createServer } from 'node:http';
import { MarketClient } from 'neverlose-market/client';
import { isNeverloseMarketError } from 'neverlose-market/errors';
import { acceptResellerOrder } from 'neverlose-market/reseller';
import { openSqliteIdJournal, openSqliteSingleUseTokenStore } from 'neverlose-market/sqlite';

const apiKey = process.env.NEVERLOSE_API_KEY;
if (!apiKey) throw new Error('Set NEVERLOSE_API_KEY to your market API key.');

const client = new MarketClient({
  userId: Number(process.env.NEVERLOSE_USER_ID),
  secret: apiKey,
  baseUrl: process.env.NEVERLOSE_MARKET_URL, // unset: the production API
  journal: await openSqliteIdJournal('market.db'),
});
await client.resumePending(); // deliveries a crash interrupted
const orders = await openSqliteSingleUseTokenStore('market.db'); // accepted orders, by token

const port = Number(process.env.PORT ?? 3000);
createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
  if (url.pathname !== '/checkout') return void res.writeHead(404).end();
  try {
    const { order, resumed } = await acceptResellerOrder(
      url.searchParams.get('nl_purchase') ?? '',
      apiKey,
      { integrationId: Number(process.env.NEVERLOSE_INTEGRATION_ID), store: orders },
    );
    if (!resumed) {
      // Take the payment here, with order.tokenId as your payment provider's idempotency key.
    }
    const { status } = await client.fulfilResellerOrder(order);
    const what =
      order.type === 'product' ? `${order.days} days of ${order.product}` : `${order.nle} NLE`;
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`${what} for ${order.login}: ${status}`);
  } catch (error) {
    const code = isNeverloseMarketError(error) ? error.code : 'ERR_INTERNAL';
    // A refused token is final (400); a failed delivery is finished by opening this URL again.
    res.writeHead(code.startsWith('ERR_RESELLER_TOKEN_') ? 400 : 502, {
      'content-type': 'text/plain',
    });
    res.end(code.startsWith('ERR_RESELLER_TOKEN_') ? code : `${code}: open this page again`);
    if (!code.startsWith('ERR_RESELLER_TOKEN_')) console.error(error);
  }
}).listen(port, () => console.log(`Checkout: http://127.0.0.1:${port}/checkout`));

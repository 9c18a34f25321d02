// A money call applied once, however often it runs: npx tsx client.ts <order id> <login>
import { MarketClient } from 'neverlose-market/client';
import { isNeverloseMarketError } from 'neverlose-market/errors';
import { openSqliteIdJournal } from 'neverlose-market/sqlite';

const apiKey = process.env.NEVERLOSE_API_KEY;
if (!apiKey) throw new Error('Set NEVERLOSE_API_KEY to your market API key.');

const client = new MarketClient({
  userId: Number(process.env.NEVERLOSE_USER_ID),
  secret: apiKey,
  baseUrl: process.env.NEVERLOSE_MARKET_URL, // unset: the production API
  // Written before each request leaves; business keys keep their request id forever.
  journal: await openSqliteIdJournal('market.db'),
});

// After a crash: re-send what was in flight, with the original ids.
await client.resumePending();

const [orderId = 'order-17', login = 'alice'] = process.argv.slice(2);
try {
  const result = await client.giftProduct({
    key: orderId,
    username: login,
    product: 'cs2',
    days: 30,
  });
  // Run it again: the journal answers without sending. Applied once, whatever happens.
  console.log(`${orderId}: ${result.status}`);
} catch (error) {
  if (isNeverloseMarketError(error) && error.code === 'ERR_MARKET_USER_NOT_FOUND') {
    // A final API error: calling again with this key throws it again, sending nothing. Refund.
    console.log(`${orderId}: no user ${login}`);
  } else {
    throw error; // a transport error: the operation stays pending; run again or resumePending()
  }
}

import { MarketClient } from 'neverlose-market/client';
import { isNeverloseMarketError } from 'neverlose-market/errors';
import { openSqliteJournal } from 'neverlose-market/sqlite';

declare const order: { id: string; login: string };

// #region readme
const client = new MarketClient({
  userId: Number(process.env.NEVERLOSE_USER_ID),
  secret: apiKey,
  // Written before each request leaves; business keys keep their request id forever.
  journal: await openSqliteJournal('market.db'),
});

// After a crash: re-send what was in flight, with the original ids.
await client.resumePending();

try {
  const result = await client.giftProduct({
    key: order.id,
    username: order.login,
    product: 'cs2',
    days: 30,
  });
  if (result.status === 'already-completed') {
    // A retry was answered "Invalid id.": the lost attempt had been applied. Done, once.
  }
} catch (error) {
  if (isNeverloseMarketError(error) && error.code === 'ERR_MARKET_USER_NOT_FOUND') {
    // refund: a final API error; calling again with this key throws it again, sending nothing
  } else {
    throw error; // transport error: the operation stays pending; call again or resumePending()
  }
}
// #endregion

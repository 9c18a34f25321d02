import type { MarketClient } from 'neverlose-market/client';
import { verifyResellerToken } from 'neverlose-market/reseller';
import { openSqliteSingleUseStore } from 'neverlose-market/sqlite';

declare const client: MarketClient;
declare const url: URL;

// #region readme
const order = await verifyResellerToken(url.searchParams.get('nl_purchase') ?? '', apiKey, {
  integrationId: 100,
  // Where you fulfil: a token is accepted once, across restarts.
  singleUseStore: await openSqliteSingleUseStore('market.db'),
});
// ...take the payment, then deliver exactly once, keyed by the token:
if (order.type === 'product') {
  await client.giftProduct({
    key: order.tokenId,
    username: order.login,
    product: order.product,
    cnt: order.cnt,
  });
} else {
  await client.transferMoney({ key: order.tokenId, username: order.login, amount: order.nle });
}
// #endregion

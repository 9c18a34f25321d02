import type { MarketClient } from 'neverlose-market/client';

declare const client: MarketClient;

// #region readme
const first = await client.transferMoney({ key: 'order-X', username: 'a49', amount: 2 });
const again = await client.transferMoney({ key: 'order-X', username: 'a49', amount: 2 });

// first.status === 'completed', again.status === 'already-completed': the money moved once.
// #endregion

export { again, first };

// One business key, one action: the second call sends the same request id, applied once.
import { MarketClient } from 'neverlose-market/client';

const apiKey = process.env.NEVERLOSE_API_KEY;
if (!apiKey) throw new Error('Set NEVERLOSE_API_KEY to your market API key.');
const client = new MarketClient({
  userId: Number(process.env.NEVERLOSE_USER_ID),
  secret: apiKey,
  baseUrl: process.env.NEVERLOSE_MARKET_URL, // unset: the production API
});

const key = process.argv[2] ?? 'order-X';
const first = await client.transferMoney({ key, username: 'bob', amount: 2 });
const again = await client.transferMoney({ key, username: 'bob', amount: 2 });
console.log(first.status, again.status); // completed already-completed: the money moved once

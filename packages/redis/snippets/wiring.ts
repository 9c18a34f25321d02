import { MarketClient } from 'neverlose-market/client';
import { acceptResellerOrder } from 'neverlose-market/reseller';
import { createWebhookHandler } from 'neverlose-market/webhooks';
import { connectRedis } from 'neverlose-redis';
import {
  RedisIdJournal,
  RedisSingleUseTokenStore,
  RedisWebhookDedupStore,
} from 'neverlose-redis/market';
import { RedisTransactionStore } from 'neverlose-redis/oidc';
import { createClient } from 'redis';

const userId = Number(process.env['NEVERLOSE_USER_ID']);
const apiKey = process.env['NEVERLOSE_API_KEY'] ?? '';

// Start-up fails within 10 s, in one error naming the last attempt, when Redis does not answer.
export const redis = await connectRedis(createClient({ url: process.env['REDIS_URL'] }), {
  // Then a restart or failover breaks the connection: node-redis reports it here (without a
  // listener Node.js would end the process) and reconnects by itself.
  onError: (error) => console.error('Redis connection lost:', error.message),
});

// Money operations: one request id per business key and method, shared by every instance. A call
// that Redis cannot answer within 5 s (timeoutMs) fails with a code and sends nothing.
export const market = new MarketClient({
  userId,
  secret: apiKey,
  journal: new RedisIdJournal(redis),
});

// Webhooks: a redelivered event runs its handler once, whichever instance receives it. While
// Redis is down the handler answers 503 with Retry-After, and the provider delivers again.
export const webhooks = createWebhookHandler({
  secret: apiKey,
  dedupStore: new RedisWebhookDedupStore(redis),
  onEvent: (event) => console.log('paid:', event.kind, event.uniqueId),
});

// Reseller checkout: an order is recorded before delivery, and a retry of its token resumes it.
const orders = new RedisSingleUseTokenStore(redis);
export const checkout = (token: string) =>
  acceptResellerOrder(token, apiKey, { integrationId: 100, store: orders });

// Login with Neverlose: a login started on one instance completes on another.
export const transactions = new RedisTransactionStore(redis, { maxEntries: 100_000 });

import { MarketClient } from 'neverlose-market/client';
import { verifyResellerToken } from 'neverlose-market/reseller';
import { createWebhookHandler } from 'neverlose-market/webhooks';
import {
  RedisIdJournal,
  RedisSingleUseTokenStore,
  RedisWebhookDedupStore,
} from 'neverlose-redis/market';
import { RedisTransactionStore } from 'neverlose-redis/oidc';
import { createClient } from 'redis';

const redis = await createClient({ url: process.env['REDIS_URL'] }).connect();

// Money operations: one request id per business key, shared by every instance.
export const market = new MarketClient({ userId, secret, journal: new RedisIdJournal(redis) });

// Webhooks: a redelivered event runs its handler once, whichever instance receives it.
export const webhooks = createWebhookHandler({
  secret,
  dedupStore: new RedisWebhookDedupStore(redis),
  onEvent,
});

// Reseller checkout: a token is fulfilled once.
export const order = await verifyResellerToken(token, apiKey, {
  integrationId: 100,
  singleUseStore: new RedisSingleUseTokenStore(redis),
});

// Login with Neverlose: a login started on one instance completes on another.
export const transactions = new RedisTransactionStore(redis, { maxEntries: 100_000 });

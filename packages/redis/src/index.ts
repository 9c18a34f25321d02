export type { RedisAdapterOptions, RedisCommandClient } from './command-client.js';
export {
  isNeverloseRedisError,
  NeverloseRedisError,
  type NeverloseRedisErrorCode,
} from './errors.js';
export { RedisIdJournal } from './id-journal.js';
export { RedisSingleUseTokenStore } from './single-use-token-store.js';
export { RedisTransactionStore, type RedisTransactionStoreOptions } from './transaction-store.js';
export { RedisWebhookDedupStore } from './webhook-dedup-store.js';

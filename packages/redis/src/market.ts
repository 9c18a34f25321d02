export { RedisIdJournal, type RedisIdJournalOptions } from './market/id-journal.js';
export { RedisSingleUseTokenStore } from './market/single-use-token-store.js';
export { RedisWebhookDedupStore } from './market/webhook-dedup-store.js';

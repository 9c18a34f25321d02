export {
  type JournalHook,
  PostgresIdJournal,
  type PostgresIdJournalOptions,
} from './market/id-journal.js';
export {
  PostgresSingleUseTokenStore,
  type PostgresSingleUseTokenStoreOptions,
} from './market/single-use-token-store.js';
export {
  PostgresWebhookDedupStore,
  type PostgresWebhookDedupStoreOptions,
} from './market/webhook-dedup-store.js';

export type {
  SqliteDriverName,
  SqliteExpiringStoreOptions,
  SqliteStoreOptions,
} from './database.js';
export { SqliteStoreError, type SqliteStoreErrorCode } from './errors.js';
export { openSqliteIdJournal, SqliteIdJournal, type SqliteIdJournalOptions } from './id-journal.js';
export {
  openSqliteSingleUseTokenStore,
  SqliteSingleUseTokenStore,
  type SqliteSingleUseTokenStoreOptions,
} from './single-use-token-store.js';
export {
  openSqliteWebhookDedupStore,
  SqliteWebhookDedupStore,
  type SqliteWebhookDedupStoreOptions,
} from './webhook-dedup-store.js';

export type {
  SqliteDriverName,
  SqliteExpiringStoreOptions,
  SqliteStoreOptions,
} from './database.js';
export {
  openSqliteDedupStore,
  SqliteDedupStore,
  type SqliteDedupStoreOptions,
} from './dedup-store.js';
export { SqliteStoreError, type SqliteStoreErrorCode } from './errors.js';
export { openSqliteJournal, SqliteJournal, type SqliteJournalOptions } from './journal.js';
export {
  openSqliteSingleUseStore,
  SqliteSingleUseStore,
  type SqliteSingleUseStoreOptions,
} from './single-use-store.js';

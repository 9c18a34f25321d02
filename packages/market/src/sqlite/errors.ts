import { NeverloseMarketError } from '../errors/base.js';

/**
 * Codes of {@link SqliteStoreError}, shared by every SQLite adapter (journal, webhook dedup store,
 * single-use token store).
 *
 * - `ERR_SQLITE_UNAVAILABLE`: the optional peer dependency `better-sqlite3` (12.x) could not be
 *   loaded: install it, or pass another store.
 * - `ERR_SQLITE_INVALID_OPTIONS`: an option is invalid (a table name that is not an identifier, a
 *   negative busy timeout...).
 */
export type SqliteStoreErrorCode = 'ERR_SQLITE_UNAVAILABLE' | 'ERR_SQLITE_INVALID_OPTIONS';

/** An SQLite store could not be opened. */
export class SqliteStoreError extends NeverloseMarketError<SqliteStoreErrorCode> {}

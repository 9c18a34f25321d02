import { markStoreFailures } from '@neverlose-toolkit/internal/errors';
import { NeverloseMarketError } from '../errors/base.js';

/**
 * Codes of {@link SqliteStoreError}, shared by every SQLite adapter (journal, webhook dedup store,
 * single-use token store).
 *
 * The file or its disk failed (each with the library's error as `cause`; a webhook handler answers
 * 503, a money call sends nothing):
 * - `ERR_SQLITE_FULL`: the disk (or its quota) is full: nothing was written.
 * - `ERR_SQLITE_READ_ONLY`: the file or its disk is read-only: nothing was written.
 * - `ERR_SQLITE_TIMEOUT`: another process held the lock longer than `busyTimeoutMs`.
 * - `ERR_SQLITE_UNAVAILABLE`: the disk failed (an I/O error), the file is damaged or cannot be
 *   opened, or the store was closed.
 *
 * Opening a store:
 * - `ERR_SQLITE_DRIVER_UNAVAILABLE`: neither `node:sqlite` (Node.js 22.13+, Bun, Deno) nor the
 *   optional peer dependency `better-sqlite3` (12.x) could be loaded: install it, or pass another
 *   store.
 * - `ERR_INVALID_OPTION`: an option is invalid (a table name that is not an identifier, a
 *   negative busy timeout...).
 */
export type SqliteStoreErrorCode =
  | 'ERR_SQLITE_FULL'
  | 'ERR_SQLITE_READ_ONLY'
  | 'ERR_SQLITE_TIMEOUT'
  | 'ERR_SQLITE_UNAVAILABLE'
  | 'ERR_SQLITE_DRIVER_UNAVAILABLE'
  | 'ERR_INVALID_OPTION';

/** An SQLite store could not be opened, or its file or disk failed. */
export class SqliteStoreError extends NeverloseMarketError<SqliteStoreErrorCode> {}

// The codes that mean "the store cannot do its part now" (see `isStoreFailure`).
markStoreFailures(SqliteStoreError, [
  'ERR_SQLITE_FULL',
  'ERR_SQLITE_READ_ONLY',
  'ERR_SQLITE_TIMEOUT',
  'ERR_SQLITE_UNAVAILABLE',
]);

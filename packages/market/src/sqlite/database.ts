import { SqliteStoreError } from './errors.js';

/** Options every SQLite store takes. */
export interface SqliteStoreOptions {
  /**
   * SQLite's `synchronous` setting (the stores always run in WAL mode).
   *
   * - `FULL` (default): every commit is fsynced to the WAL before the call returns, so what was
   *   recorded survives a power loss as well as a process crash. A journal entry, a handled
   *   webhook or a consumed token lost to a power cut would be acted on a second time: the few
   *   hundred microseconds of an fsync are cheap against that.
   * - `NORMAL`: commits survive a process crash (`kill -9`) but the last ones may roll back on a
   *   power loss or OS crash. Faster; acceptable only where the disk is not the last line.
   *
   * @defaultValue `'FULL'`
   * @example `{ synchronous: 'NORMAL' }`
   */
  readonly synchronous?: 'FULL' | 'NORMAL';
  /**
   * How long to wait for another process holding the database lock, in milliseconds.
   *
   * @defaultValue `5000`
   */
  readonly busyTimeoutMs?: number;
  /**
   * The table name (letters, digits and `_`). Each store has its own default, so one database
   * file can hold the journal, the dedup store and the token store side by side.
   *
   * @example `{ table: 'shop1_market_journal' }`
   */
  readonly table?: string;
}

/** Options of the SQLite stores whose entries expire (webhook dedup, single-use tokens). */
export interface SqliteExpiringStoreOptions extends SqliteStoreOptions {
  /**
   * Clock in milliseconds, for tests.
   *
   * @defaultValue `Date.now`
   */
  readonly now?: () => number;
}

/** @internal The part of better-sqlite3's API the stores use (its types are not a dependency). */
export interface SqliteStatement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

/** @internal */
export interface SqliteDatabase {
  pragma(source: string): unknown;
  exec(source: string): unknown;
  prepare(source: string): SqliteStatement;
  transaction<F extends (...args: never[]) => unknown>(fn: F): F & { immediate: F };
  close(): unknown;
}

type DatabaseConstructor = new (filename: string, options?: { timeout?: number }) => SqliteDatabase;

/**
 * @internal Opens `filename` through `better-sqlite3` (loaded only here) in WAL mode with the
 * options' `synchronous`, and returns it with the checked table name.
 */
export async function openDatabase(
  filename: string,
  options: SqliteStoreOptions,
  defaultTable: string,
): Promise<{ db: SqliteDatabase; table: string }> {
  const table = options.table ?? defaultTable;
  if (typeof table !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) {
    throw new SqliteStoreError(
      'ERR_SQLITE_INVALID_OPTIONS',
      `Invalid "table" ${JSON.stringify(table)}: letters, digits and "_" only, not starting with a digit.`,
    );
  }
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
    throw new SqliteStoreError(
      'ERR_SQLITE_INVALID_OPTIONS',
      '"busyTimeoutMs" must be an integer >= 0.',
    );
  }
  if (options.synchronous !== undefined && !['FULL', 'NORMAL'].includes(options.synchronous)) {
    throw new SqliteStoreError(
      'ERR_SQLITE_INVALID_OPTIONS',
      '"synchronous" must be "FULL" or "NORMAL".',
    );
  }
  const Database = await loadBetterSqlite3();
  const db = new Database(filename, { timeout: busyTimeoutMs });
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
  return { db, table };
}

async function loadBetterSqlite3(): Promise<DatabaseConstructor> {
  try {
    // A variable specifier keeps bundlers from resolving the optional peer at build time.
    const specifier = 'better-sqlite3';
    const module = (await import(specifier)) as { default?: DatabaseConstructor };
    return (module.default ?? module) as DatabaseConstructor;
  } catch (cause) {
    throw new SqliteStoreError(
      'ERR_SQLITE_UNAVAILABLE',
      'The SQLite stores need better-sqlite3 12.x: run "npm install better-sqlite3@12" (or pass another store).',
      { cause },
    );
  }
}

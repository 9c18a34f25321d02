import { unknownOptionKey } from '@neverlose-toolkit/internal/option-keys';
import { openWithDriver, type SqliteDatabase, type SqliteDriverName } from './driver.js';
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
  /**
   * The SQLite library: `'node:sqlite'` (built into Node.js 22.13+, Bun and Deno: nothing to
   * install) or `'better-sqlite3'` (the optional peer dependency, for Node.js 20). Both keep the
   * same durability (WAL, the same `synchronous`) and behave the same.
   *
   * @defaultValue `node:sqlite` where the runtime has it, better-sqlite3 elsewhere
   */
  readonly driver?: SqliteDriverName;
}

export type { SqliteDatabase, SqliteDriverName, SqliteStatement } from './driver.js';

/** Options of the SQLite stores whose entries expire (webhook dedup, single-use tokens). */
export interface SqliteExpiringStoreOptions extends SqliteStoreOptions {
  /**
   * Clock in milliseconds, for tests.
   *
   * @defaultValue `Date.now`
   */
  readonly now?: () => number;
}

/** Every option of the SQLite journal (a key missing here does not compile). */
const STORE_OPTIONS = Object.keys({
  synchronous: true,
  busyTimeoutMs: true,
  table: true,
  driver: true,
} satisfies Record<keyof SqliteStoreOptions, true>);
/** Every option of the SQLite webhook dedup and single-use token stores. */
const EXPIRING_STORE_OPTIONS: readonly string[] = [
  ...STORE_OPTIONS,
  'now' satisfies keyof SqliteExpiringStoreOptions,
];

/** @internal What a SQLite store is, beside its statements and its row mapping. */
export interface SqliteStoreSpec<Store> {
  /** The default of option `table`. */
  readonly table: string;
  /** Its rows expire: it takes option `now`. */
  readonly expiring: boolean;
  /** Creates its table and indexes where missing (`CREATE ... IF NOT EXISTS`). */
  readonly schema: (table: string) => string;
  /** The store on the open database, its table and its clock (milliseconds). */
  readonly create: (db: SqliteDatabase, table: string, now: () => number) => Store;
}

/**
 * @internal Opens a SQLite store, written once for every store: checks its options (an unknown
 * key with "did you mean"), opens `filename` with the chosen driver in WAL mode with the options'
 * `synchronous` and busy timeout, creates the store's table, and builds the store. A database
 * that fails on the way is closed.
 */
export async function openSqliteStore<Store>(
  filename: string,
  options: SqliteStoreOptions | SqliteExpiringStoreOptions,
  spec: SqliteStoreSpec<Store>,
): Promise<Store> {
  const unknown = unknownOptionKey(
    options,
    spec.expiring ? EXPIRING_STORE_OPTIONS : STORE_OPTIONS,
    spec.expiring ? 'this SQLite store' : 'the SQLite journal',
  );
  if (unknown) {
    throw new SqliteStoreError(
      'ERR_INVALID_OPTION',
      `Invalid option "${unknown.key}": ${unknown.rule}.`,
    );
  }
  const table = options.table ?? spec.table;
  if (typeof table !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) {
    throw new SqliteStoreError(
      'ERR_INVALID_OPTION',
      `Invalid option "table" ${JSON.stringify(table)}: letters, digits and "_" only, not starting with a digit.`,
    );
  }
  const now = (options as SqliteExpiringStoreOptions).now ?? Date.now;
  if (typeof now !== 'function') {
    throw new SqliteStoreError(
      'ERR_INVALID_OPTION',
      'Invalid option "now": must be a function returning milliseconds.',
    );
  }
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
    throw new SqliteStoreError(
      'ERR_INVALID_OPTION',
      'Invalid option "busyTimeoutMs": must be an integer >= 0.',
    );
  }
  if (options.synchronous !== undefined && !['FULL', 'NORMAL'].includes(options.synchronous)) {
    throw new SqliteStoreError(
      'ERR_INVALID_OPTION',
      'Invalid option "synchronous": must be "FULL" or "NORMAL".',
    );
  }
  if (
    options.driver !== undefined &&
    options.driver !== 'node:sqlite' &&
    options.driver !== 'better-sqlite3'
  ) {
    throw new SqliteStoreError(
      'ERR_INVALID_OPTION',
      'Invalid option "driver": must be "node:sqlite" or "better-sqlite3" (or left unset).',
    );
  }
  const db = await openWithDriver(filename, options.driver);
  try {
    db.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
    db.exec('PRAGMA journal_mode = WAL');
    db.exec(`PRAGMA synchronous = ${options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
    db.exec(spec.schema(table));
    return spec.create(db, table, now);
  } catch (error) {
    db.close();
    throw error;
  }
}

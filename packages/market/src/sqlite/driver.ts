import { builtinModule } from '@neverlose-toolkit/internal/builtin';
import { SqliteStoreError, type SqliteStoreErrorCode } from './errors.js';

/**
 * The SQLite library a store opens its file with.
 *
 * - `node:sqlite`: built into Node.js 22.5+ (unflagged from 22.13 and 23.4), Bun and Deno: no
 *   native module to install or compile.
 * - `better-sqlite3`: the optional peer dependency (12.x), for Node.js 20 and older 22 releases.
 *
 * Both run the same statements with the same settings (WAL, `synchronous`, `busy_timeout`) and
 * the same transactions, so a file written through one is read through the other.
 */
export type SqliteDriverName = 'node:sqlite' | 'better-sqlite3';

/** @internal The statements of a store: each failure of the library is a coded error. */
export interface SqliteStatement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

/** @internal An open database, the same whichever library opened it. */
export interface SqliteDatabase {
  readonly driver: SqliteDriverName;
  exec(source: string): void;
  prepare(source: string): SqliteStatement;
  /**
   * `fn` in a `BEGIN IMMEDIATE` transaction: the write lock is taken before anything is read, so
   * processes sharing the file cannot both act on what they read. Rolled back if `fn` throws.
   */
  immediate<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R;
  close(): void;
}

/** The parts of `node:sqlite`'s `DatabaseSync` and better-sqlite3's `Database` the stores use. */
interface NativeDatabase {
  exec(source: string): unknown;
  prepare(source: string): {
    run(...params: unknown[]): { changes: number | bigint };
    get(...params: unknown[]): unknown;
    all(...params: unknown[]): unknown[];
  };
  close(): unknown;
}

type NativeConstructor = new (filename: string) => NativeDatabase;

/**
 * @internal Opens `filename` with `driver` (`undefined`: `node:sqlite` where the runtime has it,
 * better-sqlite3 elsewhere).
 */
export async function openWithDriver(
  filename: string,
  driver: SqliteDriverName | undefined,
): Promise<SqliteDatabase> {
  const chosen = driver ?? (builtinSqlite() ? 'node:sqlite' : 'better-sqlite3');
  const Native = chosen === 'node:sqlite' ? nodeSqlite() : await betterSqlite3();
  let native: NativeDatabase;
  try {
    native = new Native(filename);
  } catch (error) {
    throw translateSqliteError(error);
  }
  return wrap(native, chosen);
}

function wrap(native: NativeDatabase, driver: SqliteDriverName): SqliteDatabase {
  const exec = guarded((source: string) => void native.exec(source));
  const rollback = () => {
    try {
      native.exec('ROLLBACK');
    } catch {
      // SQLite rolled back by itself (an I/O error, a full disk): nothing is left to undo.
    }
  };
  return {
    driver,
    exec,
    prepare: guarded((source: string): SqliteStatement => {
      const statement = native.prepare(source);
      return {
        run: guarded((...params: unknown[]) => ({
          changes: Number(statement.run(...params).changes),
        })),
        get: guarded((...params: unknown[]) => statement.get(...params)),
        all: guarded((...params: unknown[]) => statement.all(...params)),
      };
    }),
    immediate(fn) {
      return (...args) => {
        exec('BEGIN IMMEDIATE');
        let result: ReturnType<typeof fn>;
        try {
          result = fn(...args);
          exec('COMMIT');
        } catch (error) {
          rollback();
          throw error;
        }
        return result;
      };
    },
    close() {
      native.close();
    },
  };
}

/** `fn`, with the library's errors translated. */
function guarded<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  return (...args) => {
    try {
      return fn(...args);
    } catch (error) {
      throw translateSqliteError(error);
    }
  };
}

/** `node:sqlite`, taken from the runtime without importing it (no bundler resolves it). */
function builtinSqlite(): { DatabaseSync: NativeConstructor } | undefined {
  return builtinModule<{ DatabaseSync: NativeConstructor }>(
    'node:sqlite',
    (module) => typeof module.DatabaseSync === 'function',
  );
}

function nodeSqlite(): NativeConstructor {
  const module = builtinSqlite();
  if (module === undefined) {
    throw new SqliteStoreError(
      'ERR_SQLITE_DRIVER_UNAVAILABLE',
      'The "node:sqlite" driver needs Node.js 22.13+ (or 22.5+ with --experimental-sqlite), Bun or Deno: leave "driver" unset to use better-sqlite3 here.',
    );
  }
  return module.DatabaseSync;
}

async function betterSqlite3(): Promise<NativeConstructor> {
  try {
    // A variable specifier keeps bundlers from resolving the optional peer at build time.
    const specifier = 'better-sqlite3';
    const module = (await import(specifier)) as { default?: NativeConstructor };
    return (module.default ?? module) as NativeConstructor;
  } catch (cause) {
    throw new SqliteStoreError(
      'ERR_SQLITE_DRIVER_UNAVAILABLE',
      'The SQLite stores need node:sqlite (Node.js 22.13+, Bun, Deno) or better-sqlite3 12.x: run "npm install better-sqlite3@12" on this runtime (or pass another store).',
      { cause },
    );
  }
}

/** SQLite's primary result codes (`errcode & 0xff`), by the name both libraries use. */
const PRIMARY: Readonly<Record<number, string>> = {
  5: 'SQLITE_BUSY',
  6: 'SQLITE_LOCKED',
  8: 'SQLITE_READONLY',
  10: 'SQLITE_IOERR',
  11: 'SQLITE_CORRUPT',
  13: 'SQLITE_FULL',
  14: 'SQLITE_CANTOPEN',
  26: 'SQLITE_NOTADB',
};

const FAILURES: Readonly<Record<string, [SqliteStoreErrorCode, string]>> = {
  SQLITE_BUSY: [
    'ERR_SQLITE_TIMEOUT',
    'another process held the database lock longer than "busyTimeoutMs"',
  ],
  SQLITE_LOCKED: ['ERR_SQLITE_TIMEOUT', 'the database is locked'],
  SQLITE_READONLY: ['ERR_SQLITE_READ_ONLY', 'the database or its disk is read-only'],
  SQLITE_FULL: ['ERR_SQLITE_FULL', 'the disk (or its quota) is full'],
  SQLITE_IOERR: ['ERR_SQLITE_UNAVAILABLE', 'the disk failed to read or write'],
  SQLITE_CORRUPT: ['ERR_SQLITE_UNAVAILABLE', 'the database file is damaged'],
  SQLITE_CANTOPEN: ['ERR_SQLITE_UNAVAILABLE', 'the database file cannot be opened'],
  SQLITE_NOTADB: ['ERR_SQLITE_UNAVAILABLE', 'the file is not an SQLite database'],
};

/**
 * @internal The one place SQLite's errors become ours: what the disk or the lock did (full,
 * read-only, busy, failing) becomes a coded {@link SqliteStoreError} with the library's error as
 * `cause`; anything else (a journal refusal thrown inside a transaction) passes through.
 */
export function translateSqliteError(error: unknown): unknown {
  const e = error as { code?: unknown; errcode?: unknown; message?: unknown } | null;
  let name: string | undefined;
  if (typeof e?.errcode === 'number') name = PRIMARY[e.errcode & 0xff];
  else if (typeof e?.code === 'string' && e.code.startsWith('SQLITE_')) {
    name = Object.keys(FAILURES).find(
      (known) => e.code === known || String(e.code).startsWith(`${known}_`),
    );
  }
  const failure = name === undefined ? undefined : FAILURES[name];
  if (failure !== undefined) {
    return new SqliteStoreError(
      failure[0],
      `The SQLite store failed: ${failure[1]} (${String(e?.message)}).`,
      { cause: error },
    );
  }
  const message = typeof e?.message === 'string' ? e.message : '';
  if (/database (connection )?is not open/i.test(message)) {
    return new SqliteStoreError('ERR_SQLITE_UNAVAILABLE', 'The SQLite store was closed.', {
      cause: error,
    });
  }
  return error;
}

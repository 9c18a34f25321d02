import { JournalError } from '../journal/errors.js';
import type {
  IdJournal,
  JournalCompletion,
  JournalEntry,
  JournalFailure,
  JournalRef,
  NewJournalEntry,
} from '../journal/journal.js';
import {
  openSqliteStore,
  type SqliteDatabase,
  type SqliteStatement,
  type SqliteStoreOptions,
} from './database.js';

/** Options of {@link openSqliteIdJournal}. */
export type SqliteIdJournalOptions = SqliteStoreOptions;

interface Row {
  key: string;
  request_id: string;
  method: string;
  params: string;
  fingerprint: string;
  state: JournalEntry['state'];
  completion: string | null;
  failure: string | null;
  created_at: number;
  updated_at: number;
}

/**
 * Opens (or creates) a durable {@link IdJournal} in an SQLite file, through `node:sqlite` where the
 * runtime has it (Node.js 22.13+, Bun, Deno) or the optional peer dependency `better-sqlite3`
 * (12.x), loaded only here. Writes are synchronous: when `begin` returns, the entry is on disk and
 * the request may leave. A full or read-only disk fails the call (`ERR_SQLITE_FULL`,
 * `ERR_SQLITE_READ_ONLY`) before anything is sent.
 *
 * Several processes may share one file (SQLite locks it); keep it on a local disk. The same file
 * may also hold {@link openSqliteWebhookDedupStore} and {@link openSqliteSingleUseTokenStore} (own tables).
 *
 * @param filename The database file, created if missing. `':memory:'` works but is not durable.
 * @throws {SqliteStoreError} `ERR_SQLITE_DRIVER_UNAVAILABLE` when neither `node:sqlite` nor
 *   `better-sqlite3` can be loaded, `ERR_INVALID_OPTION` for a bad option.
 *
 * @example
 * ```ts
 * const journal = await openSqliteIdJournal('/var/lib/shop/market.db');
 * const client = new MarketClient({ userId, secret, journal });
 * await client.resumePending(); // after a crash: finish what was in flight
 * ```
 */
export function openSqliteIdJournal(
  filename: string,
  options: SqliteIdJournalOptions = {},
): Promise<SqliteIdJournal> {
  return openSqliteStore(filename, options, {
    table: 'neverlose_market_journal',
    expiring: false,
    // A business key names one operation per method: (key, method) is the entry.
    schema: (table) => `CREATE TABLE IF NOT EXISTS ${table} (
      key TEXT NOT NULL,
      request_id TEXT NOT NULL UNIQUE,
      method TEXT NOT NULL,
      params TEXT NOT NULL,
      fingerprint TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('pending', 'completed', 'failed')),
      completion TEXT,
      failure TEXT,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      PRIMARY KEY (key, method)
    );
    CREATE INDEX IF NOT EXISTS ${table}_pending ON ${table} (created_at) WHERE state = 'pending';`,
    create: (db, table) => new SqliteIdJournal(db, table),
  });
}

/** A durable {@link IdJournal} in SQLite; open it with {@link openSqliteIdJournal}. */
export class SqliteIdJournal implements IdJournal {
  readonly #db: SqliteDatabase;
  readonly #insert: SqliteStatement;
  readonly #select: SqliteStatement;
  readonly #selectById: SqliteStatement;
  readonly #selectPending: SqliteStatement;
  readonly #touch: SqliteStatement;
  readonly #update: SqliteStatement;
  readonly #begin: (entry: NewJournalEntry) => { created: boolean; entry: JournalEntry };

  /** @internal Use {@link openSqliteIdJournal}. */
  constructor(db: SqliteDatabase, table: string) {
    this.#db = db;
    this.#insert = db.prepare(
      `INSERT INTO ${table} (key, request_id, method, params, fingerprint, state, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)`,
    );
    this.#select = db.prepare(`SELECT * FROM ${table} WHERE key = ? AND method = ?`);
    this.#selectById = db.prepare(`SELECT key, method FROM ${table} WHERE request_id = ?`);
    this.#selectPending = db.prepare(
      `SELECT * FROM ${table} WHERE state = 'pending' ORDER BY created_at, rowid`,
    );
    // Written again when a pending entry is begun again (before a resend): a disk that cannot
    // take the outcome refuses it here, before anything is sent.
    this.#touch = db.prepare(
      `UPDATE ${table} SET updated_at = ? WHERE key = ? AND method = ? AND state = 'pending'`,
    );
    this.#update = db.prepare(
      `UPDATE ${table} SET state = ?, completion = ?, failure = ?, updated_at = ? WHERE key = ? AND method = ? AND state = 'pending'`,
    );
    // IMMEDIATE takes the write lock first, so two processes cannot both insert the same entry.
    this.#begin = db.immediate((entry: NewJournalEntry) => {
      const existing = this.#select.get(entry.key, entry.method) as Row | undefined;
      if (existing) {
        if (existing.state === 'pending') this.#touch.run(Date.now(), entry.key, entry.method);
        return { created: false, entry: toEntry(existing) };
      }
      const owner = this.#selectById.get(entry.requestId) as
        | { key: string; method: string }
        | undefined;
      if (owner) {
        throw JournalError.idReused(entry.requestId, owner);
      }
      const now = Date.now();
      this.#insert.run(
        entry.key,
        entry.requestId,
        entry.method,
        entry.params,
        entry.fingerprint,
        now,
        now,
      );
      return {
        created: true,
        entry: {
          key: entry.key,
          requestId: entry.requestId,
          method: entry.method,
          params: entry.params,
          fingerprint: entry.fingerprint,
          state: 'pending' as const,
          createdAt: now,
          updatedAt: now,
        },
      };
    });
  }

  begin(entry: NewJournalEntry): { created: boolean; entry: JournalEntry } {
    return this.#begin(entry);
  }

  complete(ref: JournalRef, completion: JournalCompletion): void {
    this.#set(ref, 'completed', JSON.stringify(completion), null);
  }

  fail(ref: JournalRef, failure: JournalFailure): void {
    this.#set(ref, 'failed', null, JSON.stringify(failure));
  }

  get(ref: JournalRef): JournalEntry | undefined {
    const row = this.#select.get(ref?.key, ref?.method) as Row | undefined;
    return row ? toEntry(row) : undefined;
  }

  pending(): JournalEntry[] {
    return (this.#selectPending.all() as Row[]).map(toEntry);
  }

  close(): void {
    this.#db.close();
  }

  #set(
    ref: JournalRef,
    state: 'completed' | 'failed',
    completion: string | null,
    failure: string | null,
  ): void {
    const { changes } = this.#update.run(
      state,
      completion,
      failure,
      Date.now(),
      ref?.key,
      ref?.method,
    );
    if (changes === 0 && this.get(ref) === undefined) throw JournalError.unknownKey(ref);
  }
}

function toEntry(row: Row): JournalEntry {
  return {
    key: row.key,
    requestId: row.request_id,
    method: row.method,
    params: row.params,
    fingerprint: row.fingerprint,
    state: row.state,
    ...(row.completion === null
      ? {}
      : { completion: readJson<JournalCompletion>(row.completion, row.key) }),
    ...(row.failure === null ? {} : { failure: readJson<JournalFailure>(row.failure, row.key) }),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A JSON column the journal wrote; anything else is a damaged row (`ERR_JOURNAL_CORRUPT`). */
function readJson<T>(text: string, key: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw new JournalError(
      'ERR_JOURNAL_CORRUPT',
      `The journal row of key ${JSON.stringify(key)} holds a column that is not JSON.`,
      { cause },
    );
  }
}

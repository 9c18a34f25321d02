import type { SingleUseTokenStore } from '../reseller/single-use-token-store.js';
import {
  openSqliteStore,
  type SqliteDatabase,
  type SqliteExpiringStoreOptions,
  type SqliteStatement,
} from './database.js';

/** Options of {@link openSqliteSingleUseTokenStore}. */
export type SqliteSingleUseTokenStoreOptions = SqliteExpiringStoreOptions;

/** Expired tokens are swept once every this many consumptions. */
const SWEEP_EVERY = 256;

/**
 * Opens (or creates) a durable {@link SingleUseTokenStore} in an SQLite file, through `node:sqlite`
 * (Node.js 22.13+, Bun, Deno) or the optional peer dependency `better-sqlite3` (12.x): a reseller
 * checkout token `acceptResellerOrder` recorded stays recorded across restarts, until the last
 * instant a verifier accepts it, so a retry resumes its order. `consume` is one insert into a primary
 * key, atomic across processes sharing the file. The file may also hold the journal and the dedup
 * store.
 *
 * @param filename The database file, created if missing.
 * @throws {SqliteStoreError} `ERR_SQLITE_DRIVER_UNAVAILABLE` when neither `node:sqlite` nor
 *   `better-sqlite3` can be loaded.
 *
 * @example
 * ```ts
 * const tokens = await openSqliteSingleUseTokenStore('market.db');
 * const { order, resumed } = await acceptResellerOrder(token, apiKey, { integrationId: 100, store: tokens });
 * ```
 */
export function openSqliteSingleUseTokenStore(
  filename: string,
  options: SqliteSingleUseTokenStoreOptions = {},
): Promise<SqliteSingleUseTokenStore> {
  return openSqliteStore(filename, options, {
    table: 'neverlose_reseller_tokens',
    expiring: true,
    schema: (table) => `CREATE TABLE IF NOT EXISTS ${table} (
      token_id TEXT PRIMARY KEY,
      expires_at REAL NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS ${table}_expiry ON ${table} (expires_at);`,
    create: (db, table, now) => new SqliteSingleUseTokenStore(db, table, now),
  });
}

/** A durable {@link SingleUseTokenStore} in SQLite; open it with {@link openSqliteSingleUseTokenStore}. */
export class SqliteSingleUseTokenStore implements SingleUseTokenStore {
  readonly #db: SqliteDatabase;
  readonly #now: () => number;
  readonly #insert: SqliteStatement;
  readonly #sweep: SqliteStatement;
  #consumed = 0;

  /** @internal Use {@link openSqliteSingleUseTokenStore}. */
  constructor(db: SqliteDatabase, table: string, now: () => number) {
    this.#db = db;
    this.#now = now;
    this.#insert = db.prepare(
      `INSERT INTO ${table} (token_id, expires_at) VALUES (?, ?) ON CONFLICT (token_id) DO NOTHING`,
    );
    // Kept while now <= expires_at: up to the last instant a verifier accepts the token.
    this.#sweep = db.prepare(`DELETE FROM ${table} WHERE expires_at < ?`);
  }

  consume(tokenId: string, expiresAt: number): boolean {
    if (++this.#consumed % SWEEP_EVERY === 0) this.#sweep.run(this.#now() / 1000);
    return this.#insert.run(tokenId, expiresAt).changes === 1;
  }

  /** Closes the database connection. */
  close(): void {
    this.#db.close();
  }
}

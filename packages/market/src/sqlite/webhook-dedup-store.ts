import type { DedupClaim, WebhookDedupStore } from '../webhooks/webhook-dedup-store.js';
import {
  openSqliteStore,
  type SqliteDatabase,
  type SqliteExpiringStoreOptions,
  type SqliteStatement,
} from './database.js';

/** Options of {@link openSqliteWebhookDedupStore}. */
export type SqliteWebhookDedupStoreOptions = SqliteExpiringStoreOptions;

/** Expired rows are swept once every this many claims. */
const SWEEP_EVERY = 1024;

/**
 * Opens (or creates) a durable {@link WebhookDedupStore} in an SQLite file, through `node:sqlite`
 * (Node.js 22.13+, Bun, Deno) or the optional peer dependency `better-sqlite3` (12.x): handled
 * webhooks are remembered across restarts, so a replayed webhook does not run its handler again.
 * Each step is one atomic write (an `IMMEDIATE` transaction), so processes sharing the file claim
 * an event once. The file may also hold the journal and the token store.
 *
 * @param filename The database file, created if missing.
 * @throws {SqliteStoreError} `ERR_SQLITE_DRIVER_UNAVAILABLE` when neither `node:sqlite` nor
 *   `better-sqlite3` can be loaded.
 *
 * @example
 * ```ts
 * createNodeWebhookHandler({ secret, onEvent, dedupStore: await openSqliteWebhookDedupStore('market.db') });
 * ```
 */
export function openSqliteWebhookDedupStore(
  filename: string,
  options: SqliteWebhookDedupStoreOptions = {},
): Promise<SqliteWebhookDedupStore> {
  return openSqliteStore(filename, options, {
    table: 'neverlose_webhook_dedup',
    expiring: true,
    schema: (table) => `CREATE TABLE IF NOT EXISTS ${table} (
      kind TEXT NOT NULL,
      unique_id INTEGER NOT NULL,
      done INTEGER NOT NULL CHECK (done IN (0, 1)),
      expires_at INTEGER NOT NULL,
      PRIMARY KEY (kind, unique_id)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS ${table}_expiry ON ${table} (expires_at);`,
    create: (db, table, now) => new SqliteWebhookDedupStore(db, table, now),
  });
}

/** A durable {@link WebhookDedupStore} in SQLite; open it with {@link openSqliteWebhookDedupStore}. */
export class SqliteWebhookDedupStore implements WebhookDedupStore {
  readonly #db: SqliteDatabase;
  readonly #now: () => number;
  readonly #claim: (kind: string, uniqueId: number, leaseSeconds: number) => DedupClaim;
  readonly #upsert: SqliteStatement;
  readonly #release: SqliteStatement;
  readonly #sweep: SqliteStatement;
  #claims = 0;

  /** @internal Use {@link openSqliteWebhookDedupStore}. */
  constructor(db: SqliteDatabase, table: string, now: () => number) {
    this.#db = db;
    this.#now = now;
    const select = db.prepare(
      `SELECT done, expires_at FROM ${table} WHERE kind = ? AND unique_id = ?`,
    );
    this.#upsert = db.prepare(
      `INSERT INTO ${table} (kind, unique_id, done, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (kind, unique_id) DO UPDATE SET done = excluded.done, expires_at = excluded.expires_at`,
    );
    this.#release = db.prepare(
      `DELETE FROM ${table} WHERE kind = ? AND unique_id = ? AND done = 0`,
    );
    this.#sweep = db.prepare(`DELETE FROM ${table} WHERE expires_at <= ?`);
    // IMMEDIATE takes the write lock before reading, so two processes cannot both claim.
    this.#claim = db.immediate((kind: string, uniqueId: number, leaseSeconds: number) => {
      const now = this.#now();
      const row = select.get(kind, uniqueId) as { done: number; expires_at: number } | undefined;
      if (row !== undefined && row.expires_at > now) return row.done === 1 ? 'done' : 'processing';
      this.#upsert.run(kind, uniqueId, 0, now + leaseSeconds * 1000);
      return 'claimed' as const;
    });
  }

  claim(kind: string, uniqueId: number, leaseSeconds: number): DedupClaim {
    if (++this.#claims % SWEEP_EVERY === 0) this.#sweep.run(this.#now());
    return this.#claim(kind, uniqueId, leaseSeconds);
  }

  complete(kind: string, uniqueId: number, ttlSeconds: number): void {
    this.#upsert.run(kind, uniqueId, 1, this.#now() + ttlSeconds * 1000);
  }

  release(kind: string, uniqueId: number): void {
    this.#release.run(kind, uniqueId);
  }

  /** Closes the database connection. */
  close(): void {
    this.#db.close();
  }
}

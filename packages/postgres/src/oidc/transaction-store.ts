import {
  type AuthorizationTransaction,
  type TransactionStore,
  transactionKey,
} from 'neverlose-oidc';
import { invalidArgument } from '../arguments.js';
import type { PostgresQueryable } from '../client.js';
import type { Deadline } from '../deadline.js';
import { NeverlosePostgresError } from '../errors.js';
import { type PostgresAdapterOptions, positiveIntegerOption } from '../options.js';
import { StoreCore } from '../store-core.js';

/** Options of {@link PostgresTransactionStore}. */
export interface PostgresTransactionStoreOptions extends PostgresAdapterOptions {
  /**
   * Most logins kept in flight (anyone can start one, so the table must be bounded). When that
   * many are pending, a new one is refused (`ERR_TRANSACTION_STORE_FULL`); none is evicted.
   *
   * @defaultValue `100_000`
   */
  readonly maxEntries?: number;
  /**
   * Every how many `set`s expired transactions are deleted (also on the first).
   *
   * @defaultValue `64`
   */
  readonly sweepEvery?: number;
}

/**
 * A `neverlose-oidc` {@link TransactionStore} in PostgreSQL, so a login started on one instance
 * completes on another, and survives a restart in between. Transactions are kept under the SHA-256
 * of the browser binding (`transactionKey` of neverlose-oidc), never under the binding itself nor
 * the state: only the browser that started a login finds it. `take` is one
 * `DELETE ... RETURNING`: of two callbacks replaying one binding, exactly one gets the
 * transaction. Entries expire with their TTL; the store is bounded (`maxEntries`): when full it
 * refuses new logins rather than cancelling the ones in flight.
 *
 * Logins in flight are not money: this store does not insist on a durable server.
 *
 * @example
 * ```ts
 * const store = new PostgresTransactionStore(pool, { maxEntries: 100_000 });
 * const { url, transaction, binding } = await client.startAuthorization();
 * await store.set(binding, transaction, client.transactionTtl);
 * ```
 */
export class PostgresTransactionStore implements TransactionStore {
  readonly #core: StoreCore;
  readonly #maxEntries: number;

  constructor(client: PostgresQueryable, options: PostgresTransactionStoreOptions = {}) {
    this.#core = new StoreCore(client, options, {
      table: 'transactions',
      durable: false,
      sweepEvery: 64,
    });
    this.#maxEntries = positiveIntegerOption('maxEntries', options.maxEntries ?? 100_000);
  }

  /**
   * Keeps `transaction` under the browser's `binding` for `ttl` milliseconds.
   *
   * @throws {NeverlosePostgresError} `ERR_TRANSACTION_STORE_FULL` when `maxEntries` logins are in
   *   flight: a pending login is never dropped to admit a new one (anyone can start logins, and
   *   evicting would let them cancel other users' logins). Answer it 503 with `Retry-After`.
   */
  async set(binding: string, transaction: AuthorizationTransaction, ttl: number): Promise<void> {
    const key = await keyOf(binding);
    if (!Number.isFinite(ttl) || ttl <= 0)
      invalidArgument('Invalid "ttl": must be a positive number of milliseconds.');
    await this.#core.write(async (deadline) => {
      if (await this.#insertIfRoom(key, transaction, ttl, deadline)) return;
      // Expired logins may be taking the room: clear them once, then try again.
      await this.#core.sweep(deadline);
      if (await this.#insertIfRoom(key, transaction, ttl, deadline)) return;
      throw new NeverlosePostgresError(
        'ERR_TRANSACTION_STORE_FULL',
        `${this.#maxEntries} logins are in flight ("maxEntries"): this one is refused rather than cancelling one of them. Answer 503 and let the user try again shortly.`,
      );
    });
  }

  /**
   * One statement: inserts (or replaces) the transaction unless `maxEntries` other live ones
   * exist. The count stops at `maxEntries`, so it costs at most that many index entries. Two
   * instances inserting at the same instant may each see room for one: the table can exceed
   * `maxEntries` by the number of concurrent writers, never more.
   */
  async #insertIfRoom(
    key: string,
    transaction: AuthorizationTransaction,
    ttl: number,
    deadline: Deadline,
  ): Promise<boolean> {
    const { db, table } = this.#core;
    const now = this.#core.now();
    const rows = await db.run(
      `WITH live AS (
         SELECT count(*) AS n FROM (
           SELECT 1 FROM ${table}
           WHERE expires_at > to_timestamp($3::float8 / 1000) AND binding_hash <> $1
           LIMIT $5) AS pending)
       INSERT INTO ${table} (binding_hash, transaction, created_at, expires_at)
       SELECT $1, $2::jsonb, to_timestamp($3::float8 / 1000), to_timestamp($4::float8 / 1000)
       FROM live WHERE live.n < $5
       ON CONFLICT (binding_hash) DO UPDATE
         SET transaction = EXCLUDED.transaction, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
       RETURNING 1`,
      [key, JSON.stringify(transaction), now, now + Math.ceil(ttl), this.#maxEntries],
      deadline,
    );
    return rows.length > 0;
  }

  /** Returns the transaction kept under the browser's `binding` and deletes it, or `undefined`. */
  async take(binding: string): Promise<AuthorizationTransaction | undefined> {
    const key = await keyOf(binding);
    const [row] = await this.#core.db.run(
      `DELETE FROM ${this.#core.table} WHERE binding_hash = $1
       RETURNING transaction, expires_at > to_timestamp($2::float8 / 1000) AS live`,
      [key, this.#core.now()],
    );
    if (row === undefined || row['live'] !== true) return undefined;
    const value = row['transaction'];
    return (typeof value === 'string' ? JSON.parse(value) : value) as AuthorizationTransaction;
  }

  /**
   * Deletes expired transactions (up to 1000 at a time); `set` does this by itself every
   * `sweepEvery` calls, and when the table is full.
   *
   * @returns How many were deleted.
   */
  sweep(): Promise<number> {
    return this.#core.sweep();
  }
}

/** The row key of a binding: its SHA-256 (`transactionKey`), once the binding is checked. */
function keyOf(binding: string): Promise<string> {
  if (typeof binding !== 'string' || binding === '' || binding.length > 512) {
    invalidArgument('Invalid "binding": must be a non-empty string of at most 512 characters.');
  }
  return transactionKey(binding);
}
